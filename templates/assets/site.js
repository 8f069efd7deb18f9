/* Progressive enhancement only: every page reads fully without this script.
   Adds: inline / side-by-side toggle, n/p keys between changes, table filters, copy-link, search. */
(function () {
  "use strict";
  var doc = document;
  var live = null;

  function announce(text) {
    if (!live) {
      live = doc.createElement("p");
      live.className = "toast";
      live.setAttribute("role", "status");
      live.setAttribute("aria-live", "polite");
      doc.body.appendChild(live);
    }
    live.textContent = text;
    clearTimeout(announce.timer);
    announce.timer = setTimeout(function () { live.textContent = ""; }, 2500);
  }

  function store(key, value) {
    try { if (value === undefined) { return localStorage.getItem(key); } localStorage.setItem(key, value); } catch (e) { /* file:// or private mode */ }
    return null;
  }

  /* inline / side by side */
  function setupViews() {
    var bar = doc.querySelector(".view-switch");
    if (!bar || !doc.querySelector("details.view-side")) { return; }
    var views = [["inline", "Inline redline"], ["side", "Side by side"]];
    var buttons = views.map(function (view) {
      var b = doc.createElement("button");
      b.type = "button";
      b.textContent = view[1];
      b.dataset.view = view[0];
      b.addEventListener("click", function () { apply(view[0]); store("toolchain.view", view[0]); });
      bar.appendChild(b);
      return b;
    });
    function apply(view) {
      doc.body.dataset.view = view;
      buttons.forEach(function (b) { b.setAttribute("aria-pressed", String(b.dataset.view === view)); });
      doc.querySelectorAll("details.view-side").forEach(function (d) { d.open = view === "side"; });
      current = -1;
    }
    bar.hidden = false;
    apply(store("toolchain.view") === "side" ? "side" : "inline");
  }

  /* n / p: next and previous change; a deletion followed by its insertion counts as one stop */
  var current = -1;
  function stops() {
    var all = doc.querySelectorAll("main ins, main del");
    var out = [];
    for (var i = 0; i < all.length; i++) {
      var el = all[i];
      if (!el.getClientRects().length) { continue; }
      var prev = el.previousSibling;
      if (el.tagName === "INS" && prev && prev.nodeType === 1 && prev.tagName === "DEL" && out[out.length - 1] === prev) { continue; }
      out.push(el);
    }
    return out;
  }
  function go(step) {
    var list = stops();
    if (!list.length) { announce("No changes on this page"); return; }
    var prev = doc.querySelector(".current-change");
    if (prev) { prev.classList.remove("current-change"); }
    if (current < 0 && prev) { current = list.indexOf(prev); }
    current = current < 0 ? (step > 0 ? 0 : list.length - 1) : (current + step + list.length) % list.length;
    var el = list[current];
    el.classList.add("current-change");
    el.setAttribute("tabindex", "-1");
    el.focus({ preventScroll: true });
    el.scrollIntoView({ block: "center" });
    var label = doc.querySelector(".change-nav .where");
    if (label) { label.textContent = "Change " + (current + 1) + " of " + list.length; }
  }
  function setupKeys() {
    if (!doc.querySelector("main ins, main del")) { return; }
    doc.addEventListener("keydown", function (e) {
      var t = e.target;
      if (e.altKey || e.ctrlKey || e.metaKey || (t && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT|BUTTON)$/.test(t.tagName)))) { return; }
      if (e.key === "n" || e.key === "j") { e.preventDefault(); go(1); }
      else if (e.key === "p" || e.key === "k") { e.preventDefault(); go(-1); }
    });
    var nav = doc.createElement("div");
    nav.className = "change-nav";
    nav.setAttribute("role", "navigation");
    nav.setAttribute("aria-label", "Changes");
    nav.innerHTML = '<button type="button" data-step="-1">Previous <kbd>p</kbd></button><span class="where" aria-live="polite"></span><button type="button" data-step="1">Next <kbd>n</kbd></button>';
    nav.addEventListener("click", function (e) {
      var b = e.target.closest("button");
      if (b) { go(Number(b.dataset.step)); }
    });
    doc.body.appendChild(nav);
  }

  /* overview table filters */
  function setupFilters() {
    var form = doc.getElementById("filters");
    var table = doc.getElementById("overview");
    if (!form || !table) { return; }
    var rows = table.querySelectorAll("tbody tr");
    var count = form.querySelector(".filter-count");
    function checked(name) {
      return Array.prototype.map.call(form.querySelectorAll("input[name=" + name + "]:checked"), function (i) { return i.value; });
    }
    function update() {
      var statuses = checked("status");
      var classes = checked("class");
      var shown = 0;
      rows.forEach(function (row) {
        var s = row.dataset.status.split(" ");
        var c = row.dataset.classes ? row.dataset.classes.split(" ") : [];
        var ok = s.some(function (x) { return statuses.indexOf(x) >= 0; }) &&
          (!classes.length || c.some(function (x) { return classes.indexOf(x) >= 0; }));
        row.classList.toggle("is-hidden", !ok);
        if (ok) { shown++; }
      });
      count.textContent = "Showing " + shown + " of " + rows.length + " sections";
    }
    form.addEventListener("change", update);
    form.hidden = false;
    update();
  }

  /* copy-link anchors: the link still works as a plain anchor; the script also copies the address */
  function setupCopyLinks() {
    doc.addEventListener("click", function (e) {
      var a = e.target.closest && e.target.closest("a.pilcrow");
      if (!a || !navigator.clipboard || !window.isSecureContext) { return; }
      navigator.clipboard.writeText(a.href).then(function () { announce("Link copied"); }, function () {});
    });
  }

  function setupSearch() {
    var box = doc.getElementById("search");
    if (!box) { return; }
    if (location.protocol === "file:" || typeof window.PagefindUI !== "function") {
      doc.getElementById("search-note").hidden = false;
      return;
    }
    new window.PagefindUI({ element: "#search", showSubResults: true, showImages: false, resetStyles: false });
    var input = box.querySelector("input");
    var query = new URLSearchParams(location.search).get("q");
    if (input && query) { input.value = query; input.dispatchEvent(new Event("input", { bubbles: true })); }
  }

  function init() {
    setupViews();
    setupKeys();
    setupFilters();
    setupCopyLinks();
    setupSearch();
  }
  if (doc.readyState === "loading") { doc.addEventListener("DOMContentLoaded", init); } else { init(); }
})();
