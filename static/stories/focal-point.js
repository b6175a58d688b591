// Clicking the picture sets the focal point fields; typing in them moves the marker.
"use strict";
document.addEventListener("DOMContentLoaded", () => {
  for (const picker of document.querySelectorAll("[data-focal-picker]")) {
    const picture = picker.querySelector("img");
    const marker = picker.querySelector(".focal-marker");
    const x = document.getElementById("id_focal_x");
    const y = document.getElementById("id_focal_y");
    if (!picture || !marker || !x || !y) continue;
    const clamp = (value) => Math.min(Math.max(Number.parseFloat(value) || 0, 0), 1);
    const place = () => {
      marker.style.left = `${clamp(x.value) * 100}%`;
      marker.style.top = `${clamp(y.value) * 100}%`;
    };
    picture.addEventListener("click", (event) => {
      const box = picture.getBoundingClientRect();
      x.value = clamp((event.clientX - box.left) / box.width).toFixed(3);
      y.value = clamp((event.clientY - box.top) / box.height).toFixed(3);
      place();
    });
    picture.style.cursor = "crosshair";
    x.addEventListener("input", place);
    y.addEventListener("input", place);
    place();
  }
});
