// The pages' only script, served from this site so the Content-Security-Policy can
// forbid inline script: copy buttons on the calendar page, a confirmation before forms
// that delete or replace something (data-confirm="…"), the phone menu (data-menu) and
// print buttons (data-print). Every page works without it: the menu then stays open.
"use strict";

document.querySelectorAll("[data-copy]").forEach(function (button) {
  button.addEventListener("click", function () {
    var input = document.getElementById(button.dataset.copy);
    input.select();
    var done = function () { button.textContent = "Đã sao chép"; };
    if (navigator.clipboard) {
      navigator.clipboard.writeText(input.value).then(done, function () {
        document.execCommand("copy");
        done();
      });
    } else {
      document.execCommand("copy");
      done();
    }
  });
});

document.querySelectorAll("form[data-confirm]").forEach(function (form) {
  form.addEventListener("submit", function (event) {
    if (!window.confirm(form.dataset.confirm)) {
      event.preventDefault();
    }
  });
});

// Phones (app.css, max-width 600px, when scripts run): the menu folds into one button.
document.querySelectorAll("[data-menu]").forEach(function (button) {
  var header = button.closest("header");
  button.addEventListener("click", function () {
    var open = header.classList.toggle("open");
    button.setAttribute("aria-expanded", open ? "true" : "false");
  });
});

document.querySelectorAll("[data-print]").forEach(function (button) {
  button.addEventListener("click", function () {
    window.print();
  });
});

// A printout shows what folded sections hold; they fold again afterwards.
var openedForPrint = [];
window.addEventListener("beforeprint", function () {
  openedForPrint = Array.prototype.filter.call(document.querySelectorAll("main details"), function (d) {
    return !d.open;
  });
  openedForPrint.forEach(function (d) { d.open = true; });
});
window.addEventListener("afterprint", function () {
  openedForPrint.forEach(function (d) { d.open = false; });
  openedForPrint = [];
});

// The plan's pages scroll sideways on a phone: the one open is brought into view.
document.querySelectorAll(".plan-nav").forEach(function (nav) {
  var current = nav.querySelector("[aria-current]");
  if (current && nav.scrollWidth > nav.clientWidth) {
    nav.scrollLeft = current.offsetLeft - nav.offsetLeft - 12;
  }
});

// On a phone a table.stack is a card per row (app.css): a cell without its own
// data-label takes its column's heading, so a card says what each line is.
document.querySelectorAll("table.stack").forEach(function (table) {
  var headings = Array.prototype.map.call(table.querySelectorAll("thead th"), function (th) {
    return th.textContent.trim();
  });
  table.querySelectorAll("tbody tr").forEach(function (row) {
    Array.prototype.forEach.call(row.children, function (cell, i) {
      if (i > 0 && headings[i] && !cell.hasAttribute("data-label") && !cell.hasAttribute("colspan")) {
        cell.setAttribute("data-label", headings[i]);
      }
    });
  });
});
