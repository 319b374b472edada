"""Facts derived from the snapshot that several rules read: computed once per snapshot (memoised on
`Snapshot.memo`) and shared. Rule modules (checks/rules/) import these, never each other."""
