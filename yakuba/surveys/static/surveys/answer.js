// Staff surveys: show a question only when the answer it depends on (on the same page) is
// chosen. Without this script the question stays visible with its condition written next
// to it; the server ignores it when its condition does not hold.
(function () {
  "use strict";
  function update(form) {
    var chosen = {};
    form.querySelectorAll("input[type=radio]:checked, input[type=checkbox]:checked").forEach(function (input) {
      chosen[input.value] = true;
    });
    form.querySelectorAll("[data-show-if]").forEach(function (block) {
      block.hidden = !chosen[block.getAttribute("data-show-if")];
    });
  }
  document.addEventListener("DOMContentLoaded", function () {
    var form = document.querySelector(".sv-form");
    if (!form || form.getAttribute("action") === "#") { return; }
    update(form);
    form.addEventListener("change", function () { update(form); });
  });
})();
