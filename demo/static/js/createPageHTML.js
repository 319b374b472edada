// TRS WCM style pagination: writes 首页/上一页/下一页/尾页 links.
// createPageHTML(pageCount, currentIndex, pageName, pageExt)
function createPageHTML(_nPageCount, _nCurrIndex, _sPageName, _sPageExt) {
  if (_nPageCount == null || _nPageCount <= 1) {
    return;
  }
  var nCurrIndex = _nCurrIndex || 0;
  var first = _sPageName + "." + _sPageExt;
  var last = _sPageName + "_" + (_nPageCount - 1) + "." + _sPageExt;
  document.write("<span class=\"page-info\">共" + _nPageCount + "页</span> ");
  if (nCurrIndex == 0) {
    document.write("<span>首页</span> <span>上一页</span> ");
  } else {
    document.write("<a href=\"" + first + "\">首页</a> ");
    if (nCurrIndex == 1) {
      document.write("<a href=\"" + first + "\">上一页</a> ");
    } else {
      document.write("<a href=\"" + _sPageName + "_" + (nCurrIndex - 1) + "." + _sPageExt + "\">上一页</a> ");
    }
  }
  for (var i = 0; i < _nPageCount; i++) {
    var href = i == 0 ? first : _sPageName + "_" + i + "." + _sPageExt;
    if (i == nCurrIndex) {
      document.write("<span class=\"current\">" + (i + 1) + "</span> ");
    } else {
      document.write("<a href=\"" + href + "\">" + (i + 1) + "</a> ");
    }
  }
  if (nCurrIndex == _nPageCount - 1) {
    document.write("<span>下一页</span> <span>尾页</span>");
  } else {
    document.write("<a href=\"" + _sPageName + "_" + (nCurrIndex + 1) + "." + _sPageExt + "\">下一页</a> ");
    document.write("<a href=\"" + last + "\">尾页</a>");
  }
}
