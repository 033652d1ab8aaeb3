// Offline search over the index embedded in search.html. Results are built with
// textContent only: nothing from the index is ever parsed as HTML.
(function () {
  "use strict";
  var data = document.getElementById("search-index");
  var input = document.getElementById("search-input");
  var list = document.getElementById("search-results");
  var status = document.getElementById("search-status");
  if (!data || !input || !list) return;
  var index = JSON.parse(data.textContent);
  var labels = { person: "Person", company: "Company", career: "Career", topic: "Topic", insight: "Insight" };

  // Folding as tool/text.py does it, so that "lodz" finds "Łódź" here as in `tool search`:
  // punctuation inside a word dropped (not between digits), NFKD, marks dropped, lower
  // case, then each letter through FOLD (generated from tool.text.browser_fold_table).
  var INNER = /(?<=[\p{L}\p{N}_])[^\p{L}\p{N}_\s]+(?=[\p{L}\p{N}_])/gu;
  var DIGIT = /^\p{Nd}$/u;
  // FOLD BEGIN
  var FOLD = {
    "\u00df": "ss", "\u00e6": "ae", "\u00f0": "d", "\u00f8": "o", "\u00fe": "th", "\u0111": "d",
    "\u0127": "h", "\u0131": "i", "\u0138": "k", "\u0142": "l", "\u014b": "ng", "\u0153": "oe",
    "\u0167": "t", "\u0180": "b", "\u0183": "b", "\u0185": "6", "\u0188": "c", "\u018c": "d",
    "\u018d": "d", "\u0192": "f", "\u0195": "hv", "\u0199": "k", "\u019a": "l", "\u019b": "l",
    "\u019e": "n", "\u01a3": "oi", "\u01a5": "p", "\u01a8": "2", "\u01aa": "sh", "\u01ab": "t",
    "\u01ad": "t", "\u01b4": "y", "\u01b6": "z", "\u01b9": "zh", "\u01ba": "zh", "\u01bb": "2",
    "\u01bd": "5", "\u01be": "ts", "\u01bf": "w", "\u01e5": "g", "\u021d": "y", "\u0221": "d",
    "\u0223": "ou", "\u0225": "z", "\u0234": "l", "\u0235": "n", "\u0236": "t", "\u0237": "j",
    "\u0238": "db", "\u0239": "qp", "\u023c": "c", "\u023f": "s", "\u0240": "z", "\u0247": "e",
    "\u0249": "j", "\u024b": "q", "\u024d": "r", "\u024f": "y", "\u0250": "a", "\u0251": "a",
    "\u0252": "a", "\u0253": "b", "\u0254": "o", "\u0255": "c", "\u0256": "d", "\u0257": "d",
    "\u0258": "e", "\u025b": "e", "\u025c": "e", "\u025d": "e", "\u025e": "e", "\u025f": "j",
    "\u0260": "g", "\u0261": "g", "\u0262": "g", "\u0263": "g", "\u0264": "u", "\u0265": "y",
    "\u0266": "h", "\u0267": "h", "\u0268": "i", "\u0269": "i", "\u026a": "i", "\u026b": "l",
    "\u026c": "l", "\u026d": "l", "\u026e": "lz", "\u026f": "w", "\u0270": "w", "\u0271": "m",
    "\u0272": "n", "\u0273": "n", "\u0274": "n", "\u0275": "o", "\u0276": "oe", "\u0277": "o",
    "\u0278": "f", "\u0279": "r", "\u027a": "r", "\u027b": "r", "\u027c": "r", "\u027d": "r",
    "\u027e": "r", "\u027f": "r", "\u0280": "r", "\u0281": "r", "\u0282": "s", "\u0283": "s",
    "\u0284": "j", "\u0285": "s", "\u0286": "s", "\u0287": "t", "\u0288": "t", "\u0289": "u",
    "\u028a": "u", "\u028b": "v", "\u028d": "w", "\u028e": "y", "\u028f": "y", "\u0290": "z",
    "\u0291": "z", "\u0292": "z", "\u0293": "z", "\u0297": "c", "\u0299": "b", "\u029a": "e",
    "\u029b": "g", "\u029c": "h", "\u029d": "j", "\u029e": "k", "\u029f": "l", "\u02a0": "q",
    "\u02a3": "dz", "\u02a4": "dz", "\u02a5": "dz", "\u02a6": "ts", "\u02a7": "ts",
    "\u02a8": "tc", "\u02a9": "fn", "\u02aa": "ls", "\u02ab": "lz", "\u02ac": "ww",
    "\u02ae": "h", "\u02af": "h", "\u0345": "\u03b9", "\u03b1": "a", "\u03b2": "b",
    "\u03b3": "g", "\u03b4": "d", "\u03b5": "e", "\u03b6": "z", "\u03b7": "e", "\u03b8": "th",
    "\u03b9": "i", "\u03ba": "k", "\u03bb": "l", "\u03bc": "m", "\u03bd": "n", "\u03be": "x",
    "\u03bf": "o", "\u03c0": "p", "\u03c1": "r", "\u03c2": "s", "\u03c3": "s", "\u03c4": "t",
    "\u03c5": "u", "\u03c6": "ph", "\u03c7": "kh", "\u03c8": "ps", "\u03c9": "o",
    "\u03db": "st", "\u03dd": "w", "\u03df": "q", "\u03e1": "sp", "\u03f3": "j", "\u0430": "a",
    "\u0431": "b", "\u0432": "v", "\u0433": "g", "\u0434": "d", "\u0435": "e", "\u0436": "zh",
    "\u0437": "z", "\u0438": "i", "\u043a": "k", "\u043b": "l", "\u043c": "m", "\u043d": "n",
    "\u043e": "o", "\u043f": "p", "\u0440": "r", "\u0441": "s", "\u0442": "t", "\u0443": "u",
    "\u0444": "f", "\u0445": "kh", "\u0446": "ts", "\u0447": "ch", "\u0448": "sh",
    "\u0449": "shch", "\u044b": "y", "\u044d": "e", "\u044e": "iu", "\u044f": "ia",
    "\u0452": "dj", "\u0454": "ie", "\u0455": "dz", "\u0456": "i", "\u0458": "j",
    "\u0459": "lj", "\u045a": "nj", "\u045b": "tsh", "\u045f": "dzh", "\u0461": "o",
    "\u0463": "e", "\u0465": "ie", "\u0467": "e", "\u0469": "ie", "\u046b": "o", "\u046d": "io",
    "\u046f": "ks", "\u0471": "ps", "\u0473": "f", "\u0475": "y", "\u0479": "u", "\u047b": "o",
    "\u047d": "o", "\u047f": "ot", "\u0481": "q", "\u04a5": "ng", "\u04a9": "kh", "\u04af": "u",
    "\u04b5": "tts", "\u04bb": "h", "\u04bd": "ch", "\u04cc": "ch", "\u04d5": "ae",
    "\u04e1": "dz", "\u04e9": "o", "\u058a": "-", "\u05be": "-", "\u13f8": "\u13f0",
    "\u13f9": "\u13f1", "\u13fa": "\u13f2", "\u13fb": "\u13f3", "\u13fc": "\u13f4",
    "\u13fd": "\u13f5", "\u1400": "-", "\u1806": "-", "\u1c80": "\u0432", "\u1c81": "\u0434",
    "\u1c82": "\u043e", "\u1c83": "\u0441", "\u1c84": "\u0442", "\u1c85": "\u0442",
    "\u1c86": "\u044a", "\u1c87": "\u0463", "\u1c88": "\ua64b", "\u1e9c": "s", "\u1e9d": "s",
    "\u1e9f": "d", "\u2010": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-", "\u2015": "-",
    "\u2e17": "-", "\u2e1a": "-", "\u2e3a": "-", "\u2e3b": "-", "\u2e40": "-", "\u2e5d": "-",
    "\u301c": "-", "\u3030": "-", "\u30a0": "-", "\uab70": "\u13a0", "\uab71": "\u13a1",
    "\uab72": "\u13a2", "\uab73": "\u13a3", "\uab74": "\u13a4", "\uab75": "\u13a5",
    "\uab76": "\u13a6", "\uab77": "\u13a7", "\uab78": "\u13a8", "\uab79": "\u13a9",
    "\uab7a": "\u13aa", "\uab7b": "\u13ab", "\uab7c": "\u13ac", "\uab7d": "\u13ad",
    "\uab7e": "\u13ae", "\uab7f": "\u13af", "\uab80": "\u13b0", "\uab81": "\u13b1",
    "\uab82": "\u13b2", "\uab83": "\u13b3", "\uab84": "\u13b4", "\uab85": "\u13b5",
    "\uab86": "\u13b6", "\uab87": "\u13b7", "\uab88": "\u13b8", "\uab89": "\u13b9",
    "\uab8a": "\u13ba", "\uab8b": "\u13bb", "\uab8c": "\u13bc", "\uab8d": "\u13bd",
    "\uab8e": "\u13be", "\uab8f": "\u13bf", "\uab90": "\u13c0", "\uab91": "\u13c1",
    "\uab92": "\u13c2", "\uab93": "\u13c3", "\uab94": "\u13c4", "\uab95": "\u13c5",
    "\uab96": "\u13c6", "\uab97": "\u13c7", "\uab98": "\u13c8", "\uab99": "\u13c9",
    "\uab9a": "\u13ca", "\uab9b": "\u13cb", "\uab9c": "\u13cc", "\uab9d": "\u13cd",
    "\uab9e": "\u13ce", "\uab9f": "\u13cf", "\uaba0": "\u13d0", "\uaba1": "\u13d1",
    "\uaba2": "\u13d2", "\uaba3": "\u13d3", "\uaba4": "\u13d4", "\uaba5": "\u13d5",
    "\uaba6": "\u13d6", "\uaba7": "\u13d7", "\uaba8": "\u13d8", "\uaba9": "\u13d9",
    "\uabaa": "\u13da", "\uabab": "\u13db", "\uabac": "\u13dc", "\uabad": "\u13dd",
    "\uabae": "\u13de", "\uabaf": "\u13df", "\uabb0": "\u13e0", "\uabb1": "\u13e1",
    "\uabb2": "\u13e2", "\uabb3": "\u13e3", "\uabb4": "\u13e4", "\uabb5": "\u13e5",
    "\uabb6": "\u13e6", "\uabb7": "\u13e7", "\uabb8": "\u13e8", "\uabb9": "\u13e9",
    "\uabba": "\u13ea", "\uabbb": "\u13eb", "\uabbc": "\u13ec", "\uabbd": "\u13ed",
    "\uabbe": "\u13ee", "\uabbf": "\u13ef", "\ud803\udead": "-"
  };
  // FOLD END
  function fold(text) {
    var bare = text.replace(INNER, function (run, at, whole) {
      return DIGIT.test(whole.charAt(at - 1)) && DIGIT.test(whole.charAt(at + run.length)) ? run : "";
    }).normalize("NFKD").replace(/\p{Mn}/gu, "").toLowerCase();
    var out = "";
    for (var c of bare) out += Object.prototype.hasOwnProperty.call(FOLD, c) ? FOLD[c] : c;
    return out;
  }
  index.forEach(function (item) { item.haystack = fold(item.title + " " + item.text); });

  function show(query) {
    var words = fold(query).split(/\s+/).filter(Boolean);
    list.textContent = "";
    if (!words.length) { status.textContent = ""; return; }
    var found = index.filter(function (item) {
      return words.every(function (w) { return item.haystack.indexOf(w) !== -1; });
    });
    status.textContent = found.length + (found.length === 1 ? " result" : " results");
    found.slice(0, 100).forEach(function (item) {
      var li = document.createElement("li");
      var kind = document.createElement("span");
      kind.className = "kind";
      kind.textContent = labels[item.kind] || item.kind;
      var a = document.createElement("a");
      a.href = item.url;
      a.textContent = item.title;
      li.appendChild(kind);
      li.appendChild(a);
      if (item.text) {
        var detail = document.createElement("span");
        detail.className = "meta";
        detail.textContent = item.text;
        li.appendChild(detail);
      }
      list.appendChild(li);
    });
  }

  var params = new URLSearchParams(window.location.search);
  input.value = params.get("q") || "";
  input.addEventListener("input", function () { show(input.value); });
  input.form.addEventListener("submit", function (event) { event.preventDefault(); show(input.value); });
  show(input.value);
  input.focus();
})();
