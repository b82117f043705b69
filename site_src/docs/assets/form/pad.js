/* Swanilai, the signature pad: pointer events (finger, pen, mouse), a fixed backing size, the drawing
 * kept as a PNG data URL. Shared: the candidate's form (form.js) and the assessors' desk
 * (assets/desk/review.js) both load this file, so it knows neither page: it is given its canvas,
 * the data URL prefix to accept and what to call on a change. */
(() => {
  "use strict";

  const S = (window.Swanilai = window.Swanilai || {});

  // prefix: the PNG data URL prefix from the rule table; a saved value without it is not restored.
  S.signaturePad = function signaturePad(canvas, prefix, onChange) {
    const ctx = canvas.getContext("2d");
    let url = "";
    let pointer = null;
    let last = null;
    let enabled = true;

    function at(event) {
      const box = canvas.getBoundingClientRect();
      return [(event.clientX - box.left) * (canvas.width / box.width), (event.clientY - box.top) * (canvas.height / box.height)];
    }

    function line(from, to) {
      ctx.beginPath();
      ctx.moveTo(from[0], from[1]);
      ctx.lineTo(to[0], to[1]);
      ctx.stroke();
    }

    function label() {
      canvas.setAttribute("aria-label", url ? "Kotak tanda tangan, sudah ditandatangani" : "Kotak tanda tangan, kosong");
      canvas.classList.toggle("is-signed", Boolean(url));
    }

    canvas.addEventListener("pointerdown", (event) => {
      if (!enabled || pointer !== null || event.button > 0) return;
      event.preventDefault();
      canvas.setPointerCapture(event.pointerId);
      pointer = event.pointerId;
      // About 2.5 CSS pixels wide whatever the screen, in the canvas's own pixels.
      ctx.lineWidth = 2.5 * (canvas.width / canvas.getBoundingClientRect().width);
      ctx.lineCap = "round";
      ctx.lineJoin = "round";
      ctx.strokeStyle = "#111";
      last = at(event);
      line(last, [last[0] + 0.1, last[1]]);
    });
    canvas.addEventListener("pointermove", (event) => {
      if (event.pointerId !== pointer) return;
      event.preventDefault();
      const events = event.getCoalescedEvents ? event.getCoalescedEvents() : [];
      for (const each of events.length ? events : [event]) {
        const point = at(each);
        line(last, point);
        last = point;
      }
    });
    const end = (event) => {
      if (event.pointerId !== pointer) return;
      pointer = null;
      url = canvas.toDataURL("image/png");
      label();
      onChange();
    };
    canvas.addEventListener("pointerup", end);
    canvas.addEventListener("pointercancel", end);

    return {
      dataUrl: () => url,
      enable(on) {
        enabled = on;
      },
      invalid(on) {
        canvas.parentNode.classList.toggle("is-invalid", on);
      },
      clear() {
        ctx.clearRect(0, 0, canvas.width, canvas.height);
        url = "";
        label();
        onChange();
      },
      load(saved) {
        ctx.clearRect(0, 0, canvas.width, canvas.height);
        url = typeof saved === "string" && saved.startsWith(prefix) ? saved : "";
        label();
        if (!url) return;
        const image = new Image();
        image.onload = () => ctx.drawImage(image, 0, 0, canvas.width, canvas.height);
        image.src = url;
      },
    };
  };
})();
