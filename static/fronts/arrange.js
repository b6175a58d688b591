// Dragging a slot by its handle: drop it where it belongs, and the form is sent as it
// stands, in the new order ("Save the slots"). The buttons do the same without a mouse.
"use strict";
document.addEventListener("DOMContentLoaded", () => {
  const list = document.querySelector('.front-slots[data-sortable="true"]');
  if (!list) return;
  const form = document.getElementById("arrange-form");
  let dragged = null;
  for (const slot of list.querySelectorAll(".front-slot")) {
    const handle = slot.querySelector(".drag-handle");
    handle.addEventListener("mousedown", () => { slot.draggable = true; });
    slot.addEventListener("dragstart", (event) => {
      dragged = slot;
      slot.classList.add("dragging");
      event.dataTransfer.effectAllowed = "move";
      event.dataTransfer.setData("text/plain", slot.id);
    });
    slot.addEventListener("dragend", () => {
      slot.classList.remove("dragging");
      slot.draggable = false;
      for (const other of list.children) other.classList.remove("drop-target");
    });
    slot.addEventListener("dragover", (event) => {
      if (!dragged || dragged === slot) return;
      event.preventDefault();
      for (const other of list.children) other.classList.toggle("drop-target", other === slot);
    });
    slot.addEventListener("drop", (event) => {
      event.preventDefault();
      if (!dragged || dragged === slot) return;
      const after = [...list.children].indexOf(dragged) < [...list.children].indexOf(slot);
      slot.insertAdjacentElement(after ? "afterend" : "beforebegin", dragged);
      form.requestSubmit(form.querySelector('[name="save"]'));
    });
  }
});
