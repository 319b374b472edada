"""Stages 3 and 4, SCORE and RENDER: rulebook.yaml → score → result.json → scorecard.html, 整改清单."""
