/* The table made instant. On the server, filters, sorting, paging and columns fetch the same page and swap the
   table in (the server stays the one place that filters and sorts). In the static site (gpudb site) every row
   and column is in the page, and this script sorts, filters, shows columns and computes baseline ratios itself,
   keeping the state in the URL's #fragment so a permalink reproduces the view, even from file://. */
(function () {
  "use strict";

  function fmt(x) {
    if (Math.abs(x) >= 100) {
      var whole = Math.abs(x - Math.round(x)) < 0.05;
      return x.toLocaleString("en-US", { maximumFractionDigits: whole ? 0 : 1, minimumFractionDigits: whole ? 0 : 1 });
    }
    return String(Number(x.toPrecision(3)));
  }

  /* The compare page's rule (gpudb.web.table_view.judged_ratio): green when the ratio is better for the metric
     (`better`: "higher" or "lower"), red when worse, grey when the metric has no better side. */
  function ratioClass(r, better) {
    if (r === null || !(r > 0)) return "";
    var step = Math.log2(r);
    if (Math.abs(step) < 0.14) return "r-0";
    var bucket = Math.abs(step) < 1 ? 1 : Math.abs(step) < 2 ? 2 : 3;
    if (better !== "higher" && better !== "lower") return "r-neutral";
    return "r-" + ((step > 0) === (better === "higher") ? "good" : "bad") + bucket;
  }

  /* The form as query parameters, short: empty fields left out, the columns as one comma-separated value, and
     left out (like the rule) when they are the default (`defaults`: {columns: "a,b", rule: "x"}). */
  function formParams(form, defaults) {
    var params = new URLSearchParams();
    var columns = [];
    new FormData(form).forEach(function (value, key) {
      if (!String(value).trim()) return;
      if (key === "columns") columns.push(value);
      else if (!(defaults && key === "rule" && value === defaults.rule)) params.append(key, value);
    });
    if (columns.length && !(defaults && columns.join(",") === defaults.columns)) params.set("columns", columns.join(","));
    return params;
  }

  /* ------------------------------------------------------------------ server: fetch the page, swap the table */
  function serverMode(form) {
    var pending = null;
    var timer = null;

    function load(url, focusKey) {
      if (pending) pending.abort();
      pending = new AbortController();
      var landed = url;
      fetch(url, { headers: { Accept: "text/html" }, signal: pending.signal })
        .then(function (response) {
          if (!response.ok) { window.location.assign(url); return null; }
          landed = response.url || url;  // the server redirects a long query to its short permalink
          return response.text();
        })
        .then(function (html) {
          if (html === null) return;
          var doc = new DOMParser().parseFromString(html, "text/html");
          var region = doc.getElementById("table-region");
          if (!region) { window.location.assign(url); return; }
          document.getElementById("table-region").replaceWith(document.importNode(region, true));
          form.querySelectorAll("input[type=hidden]").forEach(function (input) { input.remove(); });
          doc.querySelectorAll("#filters input[type=hidden]").forEach(function (input) {
            form.appendChild(document.importNode(input, true));
          });
          history.replaceState(null, "", landed);
          if (focusKey) {
            var link = document.querySelector('#specs th[data-key="' + focusKey + '"] a');
            if (link) link.focus();
          }
          document.body.dataset.ready = "true";
        })
        .catch(function (error) { if (error.name !== "AbortError") window.location.assign(url); });
    }

    function fromForm() {
      var query = formParams(form).toString();
      load(window.location.pathname + (query ? "?" + query : ""));
    }

    form.addEventListener("submit", function (event) { event.preventDefault(); fromForm(); });
    form.addEventListener("change", function (event) {
      if (event.target.id !== "q") fromForm();
    });
    form.addEventListener("input", function (event) {
      if (event.target.id !== "q") return;
      clearTimeout(timer);
      timer = setTimeout(fromForm, 200);
    });
    document.addEventListener("click", function (event) {
      var link = event.target.closest("#table-region a.sort, #table-region .pager a");
      if (!link || event.ctrlKey || event.metaKey || event.shiftKey || event.button !== 0) return;
      event.preventDefault();
      var th = link.closest("th");
      load(link.getAttribute("href"), th ? th.dataset.key : null);
    });
  }

  /* ------------------------------------------------------------- static: everything in the page, done here */
  function staticMode(form, table) {
    var tbody = table.tBodies[0];
    var rows = Array.prototype.slice.call(tbody.rows);
    var headers = Array.prototype.slice.call(table.tHead.rows[0].cells);
    var defaults = headers.filter(function (th) { return !th.hidden; }).map(function (th) { return th.dataset.key; });
    var defaultRule = form.querySelector("#rule") ? form.querySelector("#rule").value : "";
    var shortest = { columns: defaults.filter(function (key) { return key !== "name"; }).join(","), rule: defaultRule };
    var kinds = {}, better = {};
    headers.forEach(function (th) { kinds[th.dataset.key] = th.dataset.kind; better[th.dataset.key] = th.dataset.better; });

    function readState() {
      var params = new URLSearchParams(window.location.hash.slice(1));
      var columns = [];
      params.getAll("columns").forEach(function (v) { columns = columns.concat(v.split(",")); });
      return {
        q: (params.get("q") || "").toLowerCase(),
        vendor: params.getAll("vendor"),
        architecture: params.getAll("architecture"),
        form_factor: params.getAll("form_factor"),
        china: params.get("china") || "",
        rule: params.get("rule") || defaultRule,
        export: params.getAll("export"),
        baseline: params.get("baseline") || "",
        sort: params.get("sort") || "name",
        order: params.get("order") || "asc",
        columns: columns.length ? columns : defaults,
        params: params
      };
    }

    function syncForm(state) {
      form.querySelectorAll("input, select").forEach(function (control) {
        var name = control.name;
        if (!name || control.type === "hidden") return;
        var wanted = state.params.getAll(name);
        if (name === "columns") wanted = state.columns;
        if (name === "rule") wanted = [state.rule];
        if (control.type === "checkbox") control.checked = wanted.indexOf(control.value) >= 0;
        else if (control.tagName === "SELECT") control.value = wanted[0] || "";
        else control.value = wanted[0] || "";
      });
    }

    function value(row, key) {
      var cell = row.querySelector('[data-key="' + key + '"]');
      var raw = cell ? cell.dataset.v : "";
      if (kinds[key] === "number" || kinds[key] === "derived") return raw === "" ? null : parseFloat(raw);
      return raw === "" ? null : raw.toLowerCase();
    }

    function apply(state) {
      var shown = 0;
      rows.forEach(function (row) {
        var exports = {};
        (row.dataset.exports || "").split(" ").forEach(function (pair) {
          var at = pair.indexOf("=");
          if (at > 0) exports[pair.slice(0, at)] = pair.slice(at + 1);
        });
        var outcome = exports[state.rule] || "";
        var exportCell = row.querySelector('[data-key="export"]');
        if (exportCell) {
          exportCell.dataset.v = outcome;
          exportCell.innerHTML = "";
          var badge = document.createElement("span");
          badge.className = "outcome outcome-" + outcome;
          badge.textContent = outcome.replace(/-/g, " ");
          exportCell.appendChild(badge);
        }
        var visible =
          (!state.vendor.length || state.vendor.indexOf(row.dataset.vendor) >= 0) &&
          (!state.architecture.length || state.architecture.indexOf(row.dataset.architecture) >= 0) &&
          (!state.form_factor.length || state.form_factor.indexOf(row.dataset.form_factor) >= 0) &&
          (!state.china || row.dataset.china === state.china) &&
          (!state.export.length || state.export.indexOf(outcome) >= 0) &&
          (!state.q || row.dataset.text.indexOf(state.q) >= 0);
        row.hidden = !visible;
        if (visible) shown += 1;
      });
      var direction = state.order === "desc" ? -1 : 1;
      rows.sort(function (a, b) {
        var x = value(a, state.sort), y = value(b, state.sort);
        if (x === null && y !== null) return 1;
        if (y === null && x !== null) return -1;
        if (x !== null && y !== null && x !== y) return (x < y ? -1 : 1) * direction;
        var p = value(a, "name"), q = value(b, "name");
        return p < q ? -1 : p > q ? 1 : 0;
      });
      rows.forEach(function (row) { tbody.appendChild(row); });
      headers.forEach(function (th) {
        var key = th.dataset.key;
        th.hidden = key !== "name" && state.columns.indexOf(key) < 0;
        if (key === state.sort) th.setAttribute("aria-sort", state.order === "desc" ? "descending" : "ascending");
        else th.removeAttribute("aria-sort");
        var next = key === state.sort ? (state.order === "asc" ? "desc" : "asc") :
          (kinds[key] === "number" || kinds[key] === "derived" ? "desc" : "asc");
        var params = new URLSearchParams(state.params);
        params.set("sort", key);
        params.set("order", next);
        th.querySelector("a").setAttribute("href", "#" + params.toString());
        if (key === "export") th.querySelector(".unit").textContent = state.rule;
      });
      var base = rows.filter(function (row) { return row.dataset.id === state.baseline; })[0];
      rows.forEach(function (row) {
        row.classList.toggle("baseline", row === base);
        Array.prototype.forEach.call(row.cells, function (cell) {
          var key = cell.dataset.key;
          cell.hidden = key !== "name" && state.columns.indexOf(key) < 0;
          var span = cell.querySelector(".ratio");
          if (!span) return;
          var r = null;
          if (base) {
            var mine = value(row, key), theirs = value(base, key);
            if (mine !== null && theirs) r = mine / theirs;
          }
          span.textContent = r === null ? "" : fmt(r) + "×";
          span.className = "ratio " + ratioClass(r, better[key]);
        });
      });
      var legend = document.getElementById("ratio-legend");
      if (legend) legend.hidden = !base;
      var summary = document.getElementById("summary");
      var name = base ? base.querySelector("th a").textContent : "";
      summary.textContent = (shown ? "Showing " + shown + " matching" : "No accelerator matches") +
        " (" + rows.length + " in the database)" + (base ? "; ratios to " + name : "") + ".";
    }

    function setState(params) {
      var text = params.toString();
      try { history.replaceState(null, "", "#" + text); } catch (error) { window.location.hash = text; }
      var state = readState();
      apply(state);
    }

    form.addEventListener("submit", function (event) { event.preventDefault(); setState(formParams(form, shortest)); });
    form.addEventListener("change", function () { setState(formParams(form, shortest)); });
    form.addEventListener("input", function (event) { if (event.target.id === "q") setState(formParams(form, shortest)); });
    table.tHead.addEventListener("click", function (event) {
      var link = event.target.closest("a.sort");
      if (!link) return;
      event.preventDefault();
      setState(new URLSearchParams(link.getAttribute("href").slice(1)));
    });
    window.addEventListener("hashchange", function () { var s = readState(); syncForm(s); apply(s); });
    var initial = readState();
    syncForm(initial);
    apply(initial);
  }

  /* ------------------------------------------------- compare: the ids in the order picked, the baseline kept */
  function compareMode(form) {
    var select = form.querySelector("#ids");
    var order = (select.dataset.chosen || "").split(",").filter(Boolean);
    select.addEventListener("change", function () {
      var picked = Array.prototype.filter.call(select.options, function (o) { return o.selected; })
        .map(function (o) { return o.value; });
      order = order.filter(function (id) { return picked.indexOf(id) >= 0; });
      picked.forEach(function (id) { if (order.indexOf(id) < 0) order.push(id); });
    });
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var baseline = form.querySelector("#baseline").value;
      if (order.indexOf(baseline) < 0) baseline = "";  // its chip was unpicked: the last chip picked
      var query = order.length ? "ids=" + order.map(encodeURIComponent).join(",") : "";
      if (baseline && baseline !== order[order.length - 1]) query += "&baseline=" + encodeURIComponent(baseline);
      window.location.assign(form.getAttribute("action") + (query ? "?" + query : ""));
    });
  }

  /* filters fold away on a narrow screen unless one is in use (without JavaScript they stay open) */
  function foldFilters() {
    var panel = document.getElementById("filter-panel");
    if (!panel || !window.matchMedia("(max-width: 640px)").matches) return;
    var active = Array.prototype.some.call(panel.querySelectorAll("input[type=checkbox][name=vendor], input[type=search]"),
      function (control) { return control.type === "search" ? control.value.trim() !== "" : control.checked; });
    if (!active) panel.open = false;
  }

  /* The compare page's text fields (above a few hundred chips): suggest names from /api/names for the part
     after the last comma; without this script they still work, as the server resolves any name. */
  function nameSuggestions() {
    document.querySelectorAll("input[data-names]").forEach(function (input) {
      var list = document.getElementById(input.getAttribute("list"));
      var asked = "";
      input.addEventListener("input", function () {
        var parts = input.value.split(",");
        var part = parts.pop().trim();
        var before = parts.map(function (p) { return p.trim(); }).filter(Boolean);
        if (part.length < 2 || part === asked || !list) return;
        asked = part;
        fetch(input.dataset.names + "?q=" + encodeURIComponent(part))
          .then(function (response) { return response.ok ? response.json() : { names: [] }; })
          .then(function (body) {
            if (part !== asked) return;
            list.replaceChildren.apply(list, body.names.map(function (chip) {
              var option = document.createElement("option");
              option.value = before.concat([chip.name]).join(", ");
              return option;
            }));
          })
          .catch(function () {});
      });
    });
  }

  function start() {
    nameSuggestions();
    var table = document.getElementById("specs");
    var form = document.getElementById("filters");
    var compare = document.getElementById("compare-form");
    if (compare) compareMode(compare);
    foldFilters();
    if (table && form) {
      if (document.body.dataset.mode === "static") staticMode(form, table);
      else serverMode(form);
    }
    document.body.dataset.ready = "true";
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
