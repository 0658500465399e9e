/* The course editor's outline: reorder sections and lessons by drag and drop (mouse).
   A drop sends the same POST as the move buttons (section and position) and reloads;
   keyboards and phones keep the up/down buttons, which work without this file. */
(function () {
  "use strict";

  var outline = document.getElementById("outline");
  if (!outline || !window.fetch || !window.FormData || !("draggable" in document.createElement("li"))) { return; }
  var csrf = outline.getAttribute("data-csrf");
  var status = document.createElement("p");
  status.className = "muted";
  status.id = "outline-status";
  status.setAttribute("role", "status");
  status.setAttribute("aria-live", "polite");
  status.textContent = outline.getAttribute("data-msg-drag");
  outline.querySelector("h2").after(status);

  var dragged = null;

  function send(url, section, position) {
    var body = new FormData();
    body.append("csrf_token", csrf);
    body.append("section", section);
    if (position) { body.append("position", position); }
    status.textContent = outline.getAttribute("data-msg-moving");
    fetch(url, { method: "POST", credentials: "same-origin", body: body })
      .then(function (response) {
        if (!response.ok) { throw new Error("status " + response.status); }
        window.location.reload();
      })
      .catch(function () { status.textContent = outline.getAttribute("data-msg-failed"); });
  }

  // `grip`: what the mouse drags (a section by its heading, so its inputs stay usable).
  function handle(element, kind, grip) {
    grip = grip || element;
    grip.setAttribute("draggable", "true");
    grip.classList.add("draggable");
    grip.addEventListener("dragstart", function (event) {
      if (event.target !== grip) { return; }
      dragged = { element: element, kind: kind };
      event.dataTransfer.effectAllowed = "move";
      event.dataTransfer.setData("text/plain", element.id);
      element.classList.add("dragging");
    });
    grip.addEventListener("dragend", function () {
      element.classList.remove("dragging");
      dragged = null;
    });
  }

  function dropTarget(element, kind, where) {
    element.addEventListener("dragover", function (event) {
      if (!dragged || dragged.kind !== kind || dragged.element === element) { return; }
      event.preventDefault();
      event.stopPropagation();
      element.classList.add("drop-here");
    });
    element.addEventListener("dragleave", function () { element.classList.remove("drop-here"); });
    element.addEventListener("drop", function (event) {
      if (!dragged || dragged.kind !== kind || dragged.element === element) { return; }
      event.preventDefault();
      event.stopPropagation();
      element.classList.remove("drop-here");
      var place = where(element);
      send(dragged.element.getAttribute("data-move-url"), place.section, place.position);
    });
  }

  // Sections: dropped on another section, the dragged one takes its place.
  outline.querySelectorAll("section.studio-section[data-move-url]").forEach(function (section) {
    handle(section, "section", section.querySelector("h3"));
    dropTarget(section, "section", function (target) {
      return { section: target.getAttribute("data-section") };
    });
  });

  // Lessons: dropped on a lesson, the dragged one takes its place (in that lesson's
  // section); dropped on a section, it goes to that section's end.
  outline.querySelectorAll("li[data-move-url][id^='lesson-']").forEach(function (item) {
    handle(item, "lesson");
    dropTarget(item, "lesson", function (target) {
      var list = target.closest("ol[data-section]");
      var items = Array.prototype.slice.call(list.querySelectorAll("li[id^='lesson-']"));
      return { section: list.getAttribute("data-section"), position: items.indexOf(target) + 1 };
    });
  });
  outline.querySelectorAll("section.studio-section").forEach(function (section) {
    dropTarget(section, "lesson", function (target) {
      var count = target.querySelectorAll("li[id^='lesson-']").length;
      var own = dragged.element.closest("section.studio-section") === target;
      return { section: target.getAttribute("data-section"), position: own ? count : count + 1 };
    });
  });
})();
