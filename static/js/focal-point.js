// Focal point picker on the photo library's change form.
// Clicking the preview stores the point (0–1 across and down) in the hidden
// focal_x / focal_y inputs and moves a marker there; "Choose automatically"
// clears them. Loaded as a file through ModelAdmin.Media: no inline script,
// so a strict Content-Security-Policy holds.
"use strict";

(function () {
  function round(value) {
    return Math.round(Math.min(Math.max(value, 0), 1) * 1000) / 1000;
  }

  function placeMarker(marker, x, y) {
    if (x === "" || y === "" || x === null || y === null) {
      marker.hidden = true;
      return;
    }
    marker.hidden = false;
    marker.style.left = x * 100 + "%";
    marker.style.top = y * 100 + "%";
  }

  function makeMarker(picker) {
    const marker = document.createElement("span");
    marker.setAttribute("aria-hidden", "true");
    Object.assign(marker.style, {
      position: "absolute",
      width: "22px",
      height: "22px",
      marginLeft: "-11px",
      marginTop: "-11px",
      border: "3px solid #fff",
      borderRadius: "50%",
      boxShadow: "0 0 0 2px #9e1b1b, 0 0 6px rgba(0,0,0,.6)",
      pointerEvents: "none",
    });
    picker.appendChild(marker);
    return marker;
  }

  function setUp(picker) {
    const form = picker.closest("form");
    const inputX = form && form.querySelector("input[name='focal_x']");
    const inputY = form && form.querySelector("input[name='focal_y']");
    const image = picker.querySelector("img");
    if (!inputX || !inputY || !image) {
      return;
    }
    Object.assign(picker.style, {
      position: "relative",
      display: "inline-block",
      maxWidth: "100%",
      cursor: "crosshair",
    });
    Object.assign(image.style, { display: "block", maxWidth: "100%", height: "auto" });
    const marker = makeMarker(picker);
    placeMarker(marker, inputX.value, inputY.value);

    image.addEventListener("click", function (event) {
      const box = image.getBoundingClientRect();
      const x = round((event.clientX - box.left) / box.width);
      const y = round((event.clientY - box.top) / box.height);
      inputX.value = x;
      inputY.value = y;
      placeMarker(marker, x, y);
    });

    const reset = picker.parentElement.querySelector("[data-focal-reset]");
    if (reset) {
      reset.addEventListener("click", function () {
        inputX.value = "";
        inputY.value = "";
        placeMarker(marker, "", "");
      });
    }
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-focal-picker]").forEach(setUp);
  });
})();
