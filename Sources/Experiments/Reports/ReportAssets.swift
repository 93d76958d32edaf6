/// The report's style sheet and script, inlined in the page: the file must open offline, from an e-mail or a
/// cluster's scratch folder, so nothing is fetched (no CDN, no web fonts: the system's sans-serif).
enum ReportAssets {
    static let css = """
    :root { --fg: #1d2330; --muted: #5d6678; --line: #dde2ea; --panel: #f5f7fa; --accent: #1f5fbf;
            --good: #17803a; --bad: #c62828; --warn: #8a5300; }
    * { box-sizing: border-box; }
    body { margin: 0; color: var(--fg); background: #fff;
           font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, "DejaVu Sans", sans-serif; }
    main { max-width: 1340px; margin: 0 auto; padding: 22px 28px 64px; }
    h1 { font-size: 24px; margin: 0 0 2px; }
    h2 { font-size: 19px; margin: 34px 0 8px; padding-bottom: 4px; border-bottom: 2px solid var(--line); }
    h3 { font-size: 15px; margin: 22px 0 4px; }
    p { margin: 4px 0 8px; }
    .muted { color: var(--muted); }
    .note { color: var(--muted); font-size: 13px; max-width: 1000px; }
    nav.toc { display: flex; flex-wrap: wrap; gap: 4px 16px; font-size: 13px; margin: 10px 0 0; }
    nav.toc a, a { color: var(--accent); text-decoration: none; }
    a:hover { text-decoration: underline; }
    .cards { display: flex; flex-wrap: wrap; gap: 10px; margin: 14px 0 2px; }
    .card { background: var(--panel); border: 1px solid var(--line); border-radius: 8px; padding: 6px 14px; min-width: 112px; }
    .card b { display: block; font-size: 20px; }
    .card span { color: var(--muted); font-size: 12px; }
    .card.bad b { color: var(--bad); }
    .table-wrap { overflow-x: auto; margin: 6px 0 10px; }
    table { border-collapse: collapse; font-size: 13px; }
    th, td { padding: 4px 10px; border-bottom: 1px solid var(--line); text-align: left; vertical-align: top; white-space: nowrap; }
    th { background: var(--panel); font-weight: 600; white-space: normal; vertical-align: bottom; max-width: 140px; }
    table.sortable th { cursor: pointer; user-select: none; }
    table.sortable th:hover { background: #e9eef6; }
    th[aria-sort="ascending"]::after { content: " \\25B2"; font-size: 9px; }
    th[aria-sort="descending"]::after { content: " \\25BC"; font-size: 9px; }
    .num { text-align: right; font-variant-numeric: tabular-nums; }
    tbody tr:hover { background: #f2f6fd; }
    tr.reference td { background: #fafbfc; color: #39414f; }
    .sd { color: var(--muted); font-size: 12px; }
    .ci { color: var(--muted); font-size: 12px; }
    .neg { color: var(--bad); }
    .win { color: var(--good); font-weight: 600; }
    .loss { color: var(--bad); }
    .sig { font-weight: 700; color: var(--good); }
    .chart { overflow-x: auto; border: 1px solid var(--line); border-radius: 8px; padding: 6px; margin: 6px 0; background: #fff; }
    .chart svg { display: block; }
    details.run { border: 1px solid var(--line); border-radius: 8px; margin: 6px 0; }
    details.run > summary { padding: 6px 12px; cursor: pointer; background: var(--panel); border-radius: 8px; }
    details.run[open] > summary { border-bottom: 1px solid var(--line); border-radius: 8px 8px 0 0; }
    details.run .body { padding: 6px 14px 12px; }
    pre, code { font-family: ui-monospace, "DejaVu Sans Mono", Menlo, Consolas, monospace; font-size: 12px; }
    pre { background: #f4f5f7; padding: 8px 10px; border-radius: 6px; overflow-x: auto; white-space: pre-wrap; word-break: break-word; margin: 4px 0 8px; }
    .status { display: inline-block; padding: 0 8px; border-radius: 10px; font-size: 12px; }
    .status-finished { background: #e6f4ea; color: var(--good); }
    .status-failed { background: #fde7e9; color: var(--bad); }
    .status-interrupted, .status-running { background: #fff4e5; color: var(--warn); }
    .error { color: var(--bad); white-space: pre-wrap; word-break: break-word; min-width: 240px; max-width: 460px; }
    .caveat { color: var(--warn); }
    .toolbar { margin: 6px 0; display: flex; gap: 8px; }
    button { font: inherit; font-size: 12px; padding: 3px 10px; border: 1px solid var(--line); background: #fff; border-radius: 6px; cursor: pointer; }
    button:hover { background: var(--panel); }
    .facts { display: grid; grid-template-columns: max-content auto; gap: 2px 14px; font-size: 13px; margin: 4px 0 8px; }
    .facts dt { color: var(--muted); }
    .facts dd { margin: 0; }
    """

    /// Sorts a table when a header is clicked (numbers by value from `data-sort`, text alphabetically, missing
    /// values last either way) and opens or closes every run at once. It marks what it did (`data-sortable`, and
    /// `data-report-script` on the page) so a check in a real browser can see that it ran. With `#check-sort` in
    /// the address it also sorts every table by its last numeric column, descending, and records whether each came
    /// out ordered (`data-sort-check`), which `scripts/check-report.sh` reads from the rendered page.
    static let script = """
    (function () {
      "use strict";
      function key(cell) {
        var k = cell.getAttribute("data-sort");
        return k === null ? cell.textContent.trim() : k;
      }
      function isNumeric(rows, col) {
        return rows.every(function (r) { var k = key(r.cells[col]); return k === "" || isFinite(Number(k)); });
      }
      function sortTable(table, col, descending) {
        var body = table.tBodies[0], rows = Array.prototype.slice.call(body.rows);
        var numeric = isNumeric(rows, col), direction = descending ? -1 : 1;
        rows.sort(function (a, b) {
          var x = key(a.cells[col]), y = key(b.cells[col]);
          if (x === "" || y === "") { return x === y ? 0 : (x === "" ? 1 : -1); }
          return direction * (numeric ? Number(x) - Number(y) : x.localeCompare(y));
        });
        rows.forEach(function (r) { body.appendChild(r); });
        Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th, i) {
          if (i === col) { th.setAttribute("aria-sort", descending ? "descending" : "ascending"); }
          else { th.removeAttribute("aria-sort"); }
        });
        return rows.map(function (r) { return key(r.cells[col]); });
      }
      var tables = document.querySelectorAll("table.sortable");
      Array.prototype.forEach.call(tables, function (table) {
        Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th, col) {
          th.tabIndex = 0;
          function toggle() { sortTable(table, col, th.getAttribute("aria-sort") === "ascending"); }
          th.addEventListener("click", toggle);
          th.addEventListener("keydown", function (e) { if (e.key === "Enter" || e.key === " ") { e.preventDefault(); toggle(); } });
        });
        table.setAttribute("data-sortable", "ready");
      });
      Array.prototype.forEach.call(document.querySelectorAll("button[data-details]"), function (button) {
        button.addEventListener("click", function () {
          var open = button.getAttribute("data-details") === "open";
          Array.prototype.forEach.call(document.querySelectorAll("details.run"), function (d) { d.open = open; });
        });
      });
      if (location.hash === "#check-sort") {
        Array.prototype.forEach.call(tables, function (table) {
          var rows = Array.prototype.slice.call(table.tBodies[0].rows), col = -1;
          for (var i = table.tHead.rows[0].cells.length - 1; i >= 0 && col < 0; i--) {
            if (rows.length > 1 && isNumeric(rows, i) && rows.some(function (r) { return key(r.cells[i]) !== ""; })) { col = i; }
          }
          if (col < 0) { table.setAttribute("data-sort-check", "skipped"); return; }
          var keys = sortTable(table, col, true).filter(function (k) { return k !== ""; }).map(Number), ordered = true;
          for (var j = 1; j < keys.length; j++) { if (keys[j] > keys[j - 1]) { ordered = false; } }
          table.setAttribute("data-sort-check", ordered ? "ok" : "unordered");
        });
      }
      document.documentElement.setAttribute("data-report-script", "ran");
    })();
    """
}
