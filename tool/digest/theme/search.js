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

  function fold(text) {
    return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
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
