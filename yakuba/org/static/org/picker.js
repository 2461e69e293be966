// People picker: chosen people become removable chips; the search box searches as you type
// (htmx). Without this script the picker still works: check boxes and a "検索" button.
(() => {
  const fill = (pattern, name) => pattern.replace("%(name)s", name);

  const announce = (picker, text) => {
    const status = picker.querySelector(".picker__status");
    if (status) status.textContent = text;
  };

  const syncEmpty = (picker) => {
    const none = picker.querySelector("[data-picker-none]");
    if (none) none.hidden = picker.querySelectorAll("[data-picker-chips] li[data-pk]").length > 0;
  };

  const addRemoveButton = (picker, chip) => {
    let button = chip.querySelector(".chip__remove");
    if (!button) {
      button = document.createElement("button");
      button.type = "button";
      button.className = "chip__remove";
      button.textContent = "×";
      const name = chip.querySelector("label").firstChild.textContent.trim();
      button.setAttribute("aria-label", fill(picker.dataset.removeLabel, name));
      chip.appendChild(button);
    }
    button.hidden = false;
  };

  const enhance = (picker) => {
    if (picker.classList.contains("picker--js")) return;
    picker.classList.add("picker--js");
    picker.querySelectorAll("[data-picker-chips] li[data-pk]").forEach((chip) => {
      addRemoveButton(picker, chip);
    });
    // Searching happens as you type: the no-JavaScript button is not needed.
    const button = picker.querySelector("[data-picker-button]");
    if (button) button.hidden = true;
  };

  const choose = (picker, item) => {
    const chips = picker.querySelector("[data-picker-chips]");
    const input = item.querySelector("input");
    if (input.type === "radio") {
      chips.querySelectorAll("li[data-pk]").forEach((chip) => chip.remove());
    }
    const list = item.parentElement;
    const next = item.nextElementSibling || item.previousElementSibling;
    item.classList.add("chip");
    chips.insertBefore(item, chips.querySelector("[data-picker-none]"));
    addRemoveButton(picker, item);
    if (!list.querySelector("li")) list.remove();
    syncEmpty(picker);
    const name = item.querySelector("label").firstChild.textContent.trim();
    announce(picker, fill(picker.dataset.added, name));
    // Keep the keyboard where it was: on the next match, else back in the search box.
    const target = next ? next.querySelector("input") : picker.querySelector("[data-picker-q]");
    target.focus();
  };

  const remove = (picker, chip) => {
    const name = chip.querySelector("label").firstChild.textContent.trim();
    chip.remove();
    const clear = picker.querySelector("[data-picker-clear]");
    if (clear && !picker.querySelector("[data-picker-chips] li[data-pk]")) clear.checked = true;
    syncEmpty(picker);
    announce(picker, fill(picker.dataset.removed, name));
    picker.querySelector("[data-picker-q]").focus();
  };

  document.addEventListener("DOMContentLoaded", () => {
    document.querySelectorAll("[data-picker]").forEach(enhance);
  });

  document.addEventListener("change", (event) => {
    const input = event.target;
    const item = input.closest("[data-picker-results] li[data-pk]");
    if (item && input.checked) choose(input.closest("[data-picker]"), item);
  });

  document.addEventListener("click", (event) => {
    const button = event.target.closest(".chip__remove");
    if (button) remove(button.closest("[data-picker]"), button.closest("li"));
  });

  document.addEventListener("keydown", (event) => {
    // Enter in the search box searches at once instead of submitting the whole form.
    if (event.key === "Enter" && event.target.matches("[data-picker-q]")) {
      event.preventDefault();
      if (window.htmx) window.htmx.trigger(event.target, "search");
    }
  });
})();
