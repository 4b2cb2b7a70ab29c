// Import progress: poll the status endpoint and move the bar; reload once the run has ended.
(function () {
  "use strict";
  var section = document.getElementById("import-progress");
  if (!section || section.getAttribute("data-finished") === "true") { return; }
  var bar = document.getElementById("import-bar");
  var status = document.getElementById("import-status");
  var poll = function () {
    fetch(section.getAttribute("data-status-url"), { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) {
        if (!data) { return; }
        if (data.finished) { window.location.reload(); return; }
        bar.max = Math.max(data.rows_total, 1);
        bar.value = data.rows_done;
        status.textContent = data.status_display;
        section.querySelectorAll("[data-field]").forEach(function (el) {
          el.textContent = data[el.getAttribute("data-field")];
        });
        window.setTimeout(poll, 1500);
      })
      .catch(function () { window.setTimeout(poll, 5000); });
  };
  window.setTimeout(poll, 1000);
})();
