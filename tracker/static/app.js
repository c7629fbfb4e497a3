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

// The report form: evidence files go up with the form, so a file too large would cost
// the typed report (the server answers 413). Say so before sending instead.
(function () {
  var form = document.getElementById("report-form");
  if (!form) { return; }
  var input = form.querySelector("input[type=file]");
  var box = document.getElementById("file-problems");
  var maxFile = Number(form.dataset.maxFile) || 0;
  var maxTotal = Number(form.dataset.maxTotal) || 0;
  var mb = function (bytes) { return (bytes / 1048576).toFixed(1).replace(".", ",") + " MB"; };
  var problems = function () {
    var found = [];
    var total = 0;
    Array.prototype.forEach.call(input.files || [], function (file) {
      total += file.size;
      if (maxFile && file.size > maxFile) {
        found.push("«" + file.name + "» nặng " + mb(file.size) + ", quá giới hạn " + mb(maxFile) + " mỗi tệp.");
      }
    });
    if (maxTotal && total > maxTotal) {
      found.push("Các tệp đã chọn nặng " + mb(total) + ", quá giới hạn " + mb(maxTotal) + " mỗi lần lưu; hãy gửi bớt tệp, lưu nháp rồi thêm tiếp.");
    }
    return found;
  };
  var show = function () {
    var found = problems();
    box.textContent = found.join(" ");
    box.hidden = found.length === 0;
    return found.length === 0;
  };
  input.addEventListener("change", show);
  form.addEventListener("submit", function (event) {
    if (!show()) {
      event.preventDefault();
      input.focus();
    }
  });
})();

// The review queue: «Chấp nhận» and «Trả lại» exclude each other on a row, a return
// needs its reason, one box ticks every row, and a tally says what will be sent.
(function () {
  var form = document.getElementById("review-batch");
  if (!form) { return; }
  var rows = Array.prototype.slice.call(form.querySelectorAll(".review-row"));
  var all = document.getElementById("accept-all");
  var tally = document.getElementById("review-tally");
  var parts = function (row) {
    return {
      accept: row.querySelector("input[name=accept]"),
      back: row.querySelector("input[name=return]"),
      comment: row.querySelector("textarea")
    };
  };
  var count = function () {
    var accepted = 0;
    var returned = 0;
    rows.forEach(function (row) {
      var p = parts(row);
      accepted += p.accept.checked ? 1 : 0;
      returned += p.back.checked ? 1 : 0;
      // The browser's own bubble, in Vietnamese: a return needs its reason.
      p.comment.setCustomValidity(p.back.checked && !p.comment.value.trim() ? "Trả lại cần ghi lý do để đơn vị sửa." : "");
      row.classList.toggle("to-accept", p.accept.checked);
      row.classList.toggle("to-return", p.back.checked);
    });
    tally.textContent = "Chấp nhận: " + accepted + " · Trả lại: " + returned + " · Để sau: " + (rows.length - accepted - returned);
    all.checked = accepted === rows.length;
  };
  rows.forEach(function (row) {
    var p = parts(row);
    p.accept.addEventListener("change", function () {
      if (p.accept.checked) { p.back.checked = false; }
      count();
    });
    p.back.addEventListener("change", function () {
      if (p.back.checked) {
        p.accept.checked = false;
        p.comment.focus();
      }
      count();
    });
    p.comment.addEventListener("input", count);
  });
  all.parentNode.hidden = false;
  all.addEventListener("change", function () {
    rows.forEach(function (row) {
      var p = parts(row);
      if (!p.back.checked) { p.accept.checked = all.checked; }
    });
    count();
  });
  count();
})();
