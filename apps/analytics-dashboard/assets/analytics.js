// Analytics Dashboard's page script: a CSV export is made through the API (charged once, with an
// Idempotency-Key so a double click is one export) and then downloaded. Everything else on the
// page is server-rendered or a `data-api` form of the dashboard's script.
(() => {
  "use strict";
  const csrf = () => document.querySelector('meta[name="csrf-token"]')?.content || "";
  document.addEventListener("submit", async (event) => {
    const form = event.target.closest("form[data-export]");
    if (!form) return;
    event.preventDefault();
    const error = form.querySelector(".form-error");
    const button = form.querySelector("button");
    button.disabled = true;
    error.hidden = true;
    try {
      const response = await fetch(form.dataset.export, {
        method: "POST",
        credentials: "same-origin",
        headers: {
          Accept: "application/json",
          "Content-Type": "application/json",
          "X-CSRF-Token": csrf(),
          "Idempotency-Key": crypto.randomUUID ? crypto.randomUUID() : String(Date.now()) + Math.random(),
        },
        body: JSON.stringify({
          chart: form.dataset.chart,
          from: form.dataset.from,
          to: form.dataset.to,
          bucket: form.dataset.bucket,
        }),
      });
      const data = await response.json().catch(() => null);
      if (response.ok) {
        const badge = document.getElementById("balance");
        if (badge && typeof data.creditBalance === "number") {
          badge.textContent = data.creditBalance.toLocaleString("id-ID");
          badge.dataset.balance = String(data.creditBalance);
        }
        form.dataset.done = data.path;
        location.href = data.path;
      } else if (response.status === 402) {
        const dialog = document.getElementById("need-credits");
        if (dialog?.showModal) {
          dialog.querySelector('[data-field="required"]').textContent = String(data?.error?.required ?? "");
          dialog.querySelector('[data-field="current"]').textContent = String(data?.error?.current ?? "");
          dialog.showModal();
        } else {
          location.href = "/credits#buy";
        }
      } else {
        error.textContent = data?.error?.message || "Something went wrong";
        error.hidden = false;
      }
    } catch {
      error.textContent = "The server could not be reached. Try again.";
      error.hidden = false;
    } finally {
      button.disabled = false;
    }
  });
})();
