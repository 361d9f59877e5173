/* Draws every figure on the page from its <script type="application/json"> block (no inline script: CSP). */
(function () {
  "use strict";
  function draw() {
    if (typeof Plotly === "undefined") return;
    document.querySelectorAll("[data-figure]").forEach(function (div) {
      var block = document.getElementById(div.dataset.figure);
      if (!block) return;
      var figure = JSON.parse(block.textContent);
      var layout = Object.assign({}, figure.layout || {}, { autosize: true });
      // no button that reaches the network (Chart Studio's "Share chart…" upload, the plotly link); PNG stays
      var config = {
        responsive: true,
        displaylogo: false,
        showLink: false,
        showSendToCloud: false,
        showEditInChartStudio: false,
        modeBarButtonsToRemove: ["sendDataToCloud", "editInChartStudio"],
      };
      Plotly.newPlot(div, figure.data || [], layout, config).then(function () {
        div.dataset.drawn = "true";
      });
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", draw);
  else draw();
})();
