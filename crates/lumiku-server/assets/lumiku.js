// Lumiku's dashboard script: sends forms marked `data-api` to the JSON API with the session's
// CSRF token, keeps the balance badge current from `creditBalance`, offers to buy credits on a
// 402, shows 422 field errors beside their inputs, and reloads the server-rendered page after a
// success. Forms without `data-api` are plain HTML forms and work without this script.
(() => {
  "use strict";
  const csrf = () => document.querySelector('meta[name="csrf-token"]')?.content || "";

  function setBalance(value) {
    const badge = document.getElementById("balance");
    if (badge && Number.isFinite(value)) {
      badge.dataset.balance = String(value);
      badge.textContent = value.toLocaleString("id-ID");
    }
  }

  function valueOf(el) {
    const type = el.dataset.type;
    if (el.type === "checkbox") return el.checked;
    const raw = el.value;
    if (type === "bool") return raw === "true";
    if (type === "number") return raw.trim() === "" ? undefined : Number(raw);
    if (type === "date") return raw === "" ? null : raw + "T00:00:00Z";
    if (raw === "" && "null" in el.dataset) return null;
    if (raw === "" && "optional" in el.dataset) return undefined;
    return raw;
  }

  function bodyOf(form) {
    const body = {};
    for (const el of form.elements) {
      if (!el.name || el.name === "_csrf" || el.disabled) continue;
      if (el.type === "radio" && !el.checked) continue;
      const value = valueOf(el);
      if (value !== undefined) body[el.name] = value;
    }
    return body;
  }

  function clearErrors(form) {
    for (const el of form.querySelectorAll(".field-error, .form-error")) {
      el.textContent = "";
      el.hidden = true;
    }
    for (const el of form.querySelectorAll('[aria-invalid="true"]')) el.removeAttribute("aria-invalid");
  }

  function showFormError(form, message) {
    let box = form.querySelector(".form-error");
    if (!box) {
      box = document.createElement("p");
      box.className = "form-error";
      box.setAttribute("role", "alert");
      form.append(box);
    }
    box.textContent = message;
    box.hidden = false;
  }

  function showFieldErrors(form, fields) {
    let shown = false;
    for (const [field, messages] of Object.entries(fields)) {
      const text = messages.join(", ");
      const input = form.querySelector(`[name="${CSS.escape(field)}"]`);
      let box = form.querySelector(`[data-error-for="${CSS.escape(field)}"]`);
      if (input) input.setAttribute("aria-invalid", "true");
      if (!box && input) {
        box = document.createElement("p");
        box.className = "field-error";
        box.dataset.errorFor = field;
        box.setAttribute("role", "alert");
        input.insertAdjacentElement("afterend", box);
      }
      if (box) {
        box.textContent = text;
        box.hidden = false;
        shown = true;
      } else {
        showFormError(form, `${field}: ${text}`);
        shown = true;
      }
    }
    return shown;
  }

  function needCredits(required, current) {
    const dialog = document.getElementById("need-credits");
    if (!dialog || typeof dialog.showModal !== "function") {
      location.href = "/credits#buy";
      return;
    }
    dialog.querySelector('[data-field="required"]').textContent = String(required ?? "");
    dialog.querySelector('[data-field="current"]').textContent = String(current ?? "");
    setBalance(current);
    dialog.showModal();
    dialog.querySelector("a.button")?.focus();
  }

  async function send(form) {
    const method = (form.dataset.method || "POST").toUpperCase();
    const body = bodyOf(form);
    const init = {
      method,
      credentials: "same-origin",
      headers: { Accept: "application/json", "X-CSRF-Token": csrf() },
    };
    if (method !== "GET" && method !== "DELETE") {
      init.headers["Content-Type"] = "application/json";
      init.body = JSON.stringify(body);
    }
    const response = await fetch(form.dataset.api, init);
    let data = null;
    try {
      data = await response.json();
    } catch {
      data = null;
    }
    return { response, data };
  }

  document.addEventListener("submit", async (event) => {
    const form = event.target.closest("form[data-api]");
    if (!form) return;
    event.preventDefault();
    if (form.dataset.confirm && !window.confirm(form.dataset.confirm)) return;
    clearErrors(form);
    const buttons = form.querySelectorAll("button");
    buttons.forEach((b) => (b.disabled = true));
    form.setAttribute("aria-busy", "true");
    try {
      const { response, data } = await send(form);
      if (response.ok) {
        if (data && typeof data.creditBalance === "number") setBalance(data.creditBalance);
        const payUrl = data && (data.redirectUrl || data.payment?.redirectUrl);
        if (form.dataset.then === "pay" && payUrl) {
          location.href = payUrl;
          return;
        }
        location.reload();
        return;
      }
      const error = data?.error || { message: response.statusText || "Something went wrong" };
      if (response.status === 401) {
        location.href = "/login?next=" + encodeURIComponent(location.pathname);
      } else if (response.status === 402) {
        needCredits(error.required, error.current);
      } else if (response.status === 422 && error.fields) {
        showFieldErrors(form, error.fields);
      } else {
        showFormError(form, error.message || "Something went wrong");
      }
    } catch {
      showFormError(form, "The server could not be reached. Try again.");
    } finally {
      buttons.forEach((b) => (b.disabled = false));
      form.removeAttribute("aria-busy");
    }
  });

  // The tenant switcher submits itself when a tenant is chosen.
  document.addEventListener("change", (event) => {
    const select = event.target.closest("select[data-autosubmit]");
    if (select) select.form.submit();
  });

  // A print button (the invoice page): the content security policy allows no inline handler.
  document.addEventListener("click", (event) => {
    if (event.target.closest("[data-print]")) window.print();
  });
})();
