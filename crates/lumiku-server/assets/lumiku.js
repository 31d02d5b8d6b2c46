// Lumiku's dashboard script: sends forms marked `data-api` to the JSON API with the session's
// CSRF token, keeps the balance badge current from `creditBalance`, offers to buy credits on a
// 402, shows 422 field errors beside their inputs, and reloads the server-rendered page after a
// success. Forms without `data-api` are plain HTML forms and work without this script.
//
// Field names with dots build nested objects (`schedule.type` → {schedule: {type}}); a multiple
// select sends an array; `data-type="json"` sends the parsed JSON and `data-type="datetime"` a
// local date and time as an RFC 3339 instant. An `<output data-preview="url">` in a form shows
// what GET url answers for the form's `data-preview-param` fields as they are typed (and at once
// when the page opens, with `data-preview-now`).
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
    if (el.multiple) return Array.from(el.selectedOptions, (o) => o.value);
    const raw = el.value;
    if (type === "json") {
      if (raw.trim() === "") return undefined;
      try {
        return JSON.parse(raw);
      } catch {
        return raw;
      }
    }
    if (type === "datetime") return raw === "" ? undefined : new Date(raw).toISOString();
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
      if (value === undefined) continue;
      const path = el.name.split(".");
      let target = body;
      for (const key of path.slice(0, -1)) {
        if (typeof target[key] !== "object" || target[key] === null) target[key] = {};
        target = target[key];
      }
      target[path[path.length - 1]] = value;
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

  // Live previews: ask the form's preview URL about what is typed, a moment after typing stops.
  const previewTimers = new WeakMap();
  async function preview(output) {
    const form = output.closest("form");
    const params = new URLSearchParams();
    for (const el of form.querySelectorAll("[data-preview-param]")) {
      const value = valueOf(el);
      if (value !== undefined && value !== null && value !== "") params.set(el.dataset.previewParam, value);
    }
    try {
      const response = await fetch(`${output.dataset.preview}?${params}`, {
        credentials: "same-origin",
        headers: { Accept: "application/json" },
      });
      const data = await response.json();
      output.replaceChildren();
      if (response.ok) {
        const label = document.createElement("span");
        label.textContent = "Next runs: ";
        output.append(label);
        const list = document.createElement("ol");
        for (const at of data.nextRuns || []) {
          const item = document.createElement("li");
          item.textContent = new Date(at).toLocaleString();
          list.append(item);
        }
        output.append(list);
        output.classList.remove("invalid");
      } else {
        const fields = data?.error?.fields || {};
        const text = Object.values(fields).flat().join("; ") || data?.error?.message || "Not valid";
        output.textContent = text;
        output.classList.add("invalid");
      }
    } catch {
      output.textContent = "";
    }
  }
  function schedulePreviews(form) {
    for (const output of form.querySelectorAll("output[data-preview]")) {
      clearTimeout(previewTimers.get(output));
      previewTimers.set(output, setTimeout(() => preview(output), 300));
    }
  }
  document.addEventListener("input", (event) => {
    const form = event.target.closest("form");
    if (form && event.target.matches("[data-preview-param]")) schedulePreviews(form);
  });
  document.addEventListener("change", (event) => {
    const form = event.target.closest("form");
    if (form && event.target.matches("[data-preview-param]")) schedulePreviews(form);
  });
  // Only a preview marked `data-preview-now` is asked for when the page opens (one request, not
  // one per edit form).
  for (const output of document.querySelectorAll("output[data-preview][data-preview-now]")) preview(output);

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
