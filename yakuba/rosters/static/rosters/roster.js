// Roster grid: a click (or Enter) on a cell opens its editor in a dialog.
document.addEventListener("DOMContentLoaded", () => {
  const table = document.querySelector("table.roster.is-editable");
  const dialog = document.getElementById("cell-dialog");
  if (!table || !dialog || !window.htmx) {
    return;
  }
  const baseUrl = table.dataset.cellUrl;
  const dates = table.dataset.dates.split(",");
  let lastButton = null;
  table.addEventListener("click", (event) => {
    const button = event.target.closest("button.cell");
    if (!button) {
      return;
    }
    lastButton = button;
    const date = dates[Number(button.dataset.d)];
    const url = `${baseUrl}?staff=${encodeURIComponent(button.dataset.s)}&date=${encodeURIComponent(date)}`;
    window.htmx.ajax("GET", url, { target: "#cell-editor", swap: "innerHTML" }).then(() => {
      dialog.showModal();
      const first = dialog.querySelector("select, input:not([type=hidden])");
      if (first) {
        first.focus();
      }
    });
  });
  dialog.addEventListener("click", (event) => {
    if (event.target.closest(".js-close-dialog")) {
      event.preventDefault();
      dialog.close();
    }
  });
  dialog.addEventListener("close", () => {
    if (lastButton) {
      lastButton.focus();
    }
  });
});
