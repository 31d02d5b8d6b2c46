// Invoice Generator's page script: the draft editor (lines added and removed, totals priced live
// by the server's own rules through POST /quote, a preview as the client will see it, saving),
// the logo upload, copying the client link and deleting a draft. Every other button is a
// `data-api` form handled by the dashboard's script.
(() => {
  "use strict";
  const root = document.getElementById("invoice-generator");
  if (!root) return;
  const api = root.dataset.api;
  const page = root.dataset.page;
  const csrf = () => document.querySelector('meta[name="csrf-token"]')?.content || "";
  const $ = (id) => document.getElementById(id);
  const OFFLINE = "The server could not be reached. Try again.";

  async function call(method, path, body, contentType) {
    const init = {
      method,
      credentials: "same-origin",
      headers: { Accept: "application/json", "X-CSRF-Token": csrf() },
    };
    if (body !== undefined) {
      init.headers["Content-Type"] = contentType || "application/json";
      init.body = contentType ? body : JSON.stringify(body);
    }
    const response = await fetch(api + path, init);
    let data = null;
    try {
      data = await response.json();
    } catch {
      data = null;
    }
    if (response.status === 401) {
      location.href = "/login?next=" + encodeURIComponent(location.pathname + location.search);
    }
    return { response, data };
  }

  function needCredits(error) {
    const dialog = $("need-credits");
    if (!dialog || typeof dialog.showModal !== "function") {
      location.href = "/credits#buy";
      return;
    }
    dialog.querySelector('[data-field="required"]').textContent = String(error.required ?? "");
    dialog.querySelector('[data-field="current"]').textContent = String(error.current ?? "");
    dialog.showModal();
  }

  function showError(box, message) {
    if (!box) return;
    box.textContent = message;
    box.hidden = !message;
  }

  // ---- the editor ------------------------------------------------------------------------------
  const form = $("invoice-form");
  if (form) {
    const invoice = JSON.parse(form.dataset.invoice || "null");
    const tbody = $("lines");
    const error = $("invoice-error");

    function cell(input) {
      const td = document.createElement("td");
      td.append(input);
      return td;
    }

    function field(name, value, attrs) {
      const input = document.createElement("input");
      input.dataset.field = name;
      input.value = value ?? "";
      for (const [k, v] of Object.entries(attrs || {})) input.setAttribute(k, v);
      return input;
    }

    function addLine(line) {
      const tr = document.createElement("tr");
      tr.className = "line";
      const discount = line?.discountAmount ? "" : line?.discountBasisPoints ? String(line.discountBasisPoints / 100) : "";
      tr.append(
        cell(field("description", line?.description, { "aria-label": "Description", maxlength: "500", class: "wide" })),
        cell(field("quantity", line?.quantity ?? "1", { "aria-label": "Quantity", inputmode: "decimal", size: "5" })),
        cell(field("unitPrice", line?.unitPrice ?? "", { "aria-label": "Unit price (minor units)", inputmode: "numeric", size: "10" })),
        cell(field("discount", discount, { "aria-label": "Discount percent", inputmode: "decimal", size: "4" })),
        cell(field("tax", line?.taxBasisPoints ? String(line.taxBasisPoints / 100) : "", { "aria-label": "Tax percent", inputmode: "decimal", size: "4" })),
      );
      if (line?.discountAmount) tr.dataset.discountAmount = String(line.discountAmount);
      const amount = document.createElement("td");
      amount.className = "num line-total";
      tr.append(amount);
      const remove = document.createElement("button");
      remove.type = "button";
      remove.className = "link";
      remove.textContent = "Remove";
      remove.setAttribute("aria-label", "Remove this line");
      remove.addEventListener("click", () => {
        tr.remove();
        if (!tbody.children.length) addLine(null);
        schedule();
      });
      tr.append(cell(remove));
      tbody.append(tr);
    }

    // "11" or "12.5" percent → basis points; blank → 0.
    function basisPoints(text) {
      const t = String(text || "").trim().replace(",", ".");
      if (t === "") return 0;
      if (!/^\d+(\.\d{1,2})?$/.test(t)) return NaN;
      const [whole, frac = ""] = t.split(".");
      return Number(whole) * 100 + Number((frac + "00").slice(0, 2));
    }

    function body() {
      const lines = Array.from(tbody.querySelectorAll("tr.line"), (tr) => {
        const get = (name) => tr.querySelector(`[data-field="${name}"]`).value.trim();
        const line = {
          description: get("description"),
          quantity: get("quantity").replace(",", "."),
          unitPrice: Number(get("unitPrice").replace(/[.\s]/g, "") || 0),
          taxBasisPoints: basisPoints(get("tax")),
        };
        if (tr.dataset.discountAmount && get("discount") === "") {
          line.discountAmount = Number(tr.dataset.discountAmount);
        } else {
          line.discountBasisPoints = basisPoints(get("discount"));
        }
        return line;
      });
      const value = (id) => $(id).value.trim();
      const out = { clientId: value("inv-client") || null, currency: value("inv-currency"), lines };
      if (value("inv-issue-date")) out.issueDate = value("inv-issue-date");
      if (value("inv-due-date")) out.dueDate = value("inv-due-date");
      out.notes = $("inv-notes").value;
      out.terms = $("inv-terms").value;
      return out;
    }

    function markFields(fields) {
      for (const el of form.querySelectorAll('[aria-invalid="true"]')) el.removeAttribute("aria-invalid");
      const messages = [];
      const rows = tbody.querySelectorAll("tr.line");
      for (const [name, problems] of Object.entries(fields || {})) {
        const m = /^lines\[(\d+)\]\.(\w+)$/.exec(name);
        let input = null;
        if (m) {
          const map = { discountBasisPoints: "discount", discountAmount: "discount", taxBasisPoints: "tax" };
          input = rows[Number(m[1])]?.querySelector(`[data-field="${map[m[2]] || m[2]}"]`);
          messages.push(`Line ${Number(m[1]) + 1}, ${m[2]}: ${problems.join(", ")}`);
        } else {
          input = form.querySelector(`[name="${name}"]`);
          messages.push(`${name}: ${problems.join(", ")}`);
        }
        input?.setAttribute("aria-invalid", "true");
      }
      return messages.join(" · ");
    }

    function preview(quote, data) {
      $("preview-client").textContent = $("inv-client").selectedOptions[0]?.value ? $("inv-client").selectedOptions[0].textContent : "";
      const rows = $("preview-lines");
      rows.replaceChildren();
      data.lines.forEach((line, i) => {
        const tr = document.createElement("tr");
        for (const [text, cls] of [[line.description, ""], [line.quantity, "num"], [quote.formatted.lines[i], "num"]]) {
          const td = document.createElement("td");
          td.textContent = text;
          if (cls) td.className = cls;
          tr.append(td);
        }
        rows.append(tr);
      });
      $("preview-total").textContent = quote.formatted.total;
    }

    let timer = null;
    let asked = 0;
    async function refresh() {
      const data = body();
      const ticket = ++asked;
      try {
        const { response, data: quote } = await call("POST", "/quote", { ...data, clientId: data.clientId || undefined });
        if (ticket !== asked) return; // a later edit has its own answer coming
        const totals = tbody.querySelectorAll("td.line-total");
        if (response.ok) {
          showError(error, "");
          markFields({});
          quote.formatted.lines.forEach((text, i) => totals[i] && (totals[i].textContent = text));
          $("total-subtotal").textContent = quote.formatted.subtotal;
          $("total-discount").textContent = quote.formatted.discount;
          $("total-tax").textContent = quote.formatted.tax;
          $("total-total").textContent = quote.formatted.total;
          if (!$("inv-due-date").value) $("inv-due-date").placeholder = quote.dueDate;
          preview(quote, data);
        } else if (response.status === 422) {
          showError(error, markFields(quote?.error?.fields) || quote?.error?.message || "");
        }
      } catch {
        showError(error, OFFLINE);
      }
    }
    function schedule() {
      clearTimeout(timer);
      timer = setTimeout(refresh, 250);
    }

    // Fill the form from the draft, or start one line.
    if (invoice) {
      $("inv-client").value = invoice.clientId;
      $("inv-currency").value = invoice.currency;
      $("inv-issue-date").value = invoice.issueDate;
      $("inv-due-date").value = invoice.dueDate;
      $("inv-notes").value = invoice.notes || "";
      $("inv-terms").value = invoice.terms || "";
      invoice.lines.forEach(addLine);
    } else {
      addLine(null);
    }
    $("add-line").addEventListener("click", () => {
      addLine(null);
      tbody.lastElementChild.querySelector("input").focus();
      schedule();
    });
    form.addEventListener("input", schedule);
    form.addEventListener("change", schedule);
    refresh();

    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const save = $("save-invoice");
      save.disabled = true;
      try {
        const data = body();
        const { response, data: answer } = invoice
          ? await call("PUT", `/invoices/${invoice.id}`, data)
          : await call("POST", "/invoices", data);
        if (response.ok) {
          location.href = `${page}?invoice=${answer.invoice.id}`;
          return;
        }
        const problem = answer?.error || {};
        if (response.status === 402) needCredits(problem);
        else if (response.status === 422 && problem.fields) showError(error, markFields(problem.fields));
        else showError(error, problem.message || "Something went wrong");
      } catch {
        showError(error, OFFLINE);
      } finally {
        save.disabled = false;
      }
    });
  }

  // ---- deleting a draft ------------------------------------------------------------------------
  const deleteForm = $("delete-form");
  deleteForm?.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (!window.confirm("Delete this draft?")) return;
    const path = deleteForm.dataset.delete.slice(api.length);
    try {
      const { response, data } = await call("DELETE", path);
      if (response.ok) location.href = page;
      else showError(deleteForm.querySelector(".form-error"), data?.error?.message || "Something went wrong");
    } catch {
      showError(deleteForm.querySelector(".form-error"), OFFLINE);
    }
  });

  // ---- the logo --------------------------------------------------------------------------------
  $("logo-file")?.addEventListener("change", async (event) => {
    const file = event.target.files[0];
    if (!file) return;
    try {
      const { response, data } = await call("PUT", "/profile/logo", file, file.type || "application/octet-stream");
      if (response.ok) location.reload();
      else showError($("logo-error"), data?.error?.message || "Something went wrong");
    } catch {
      showError($("logo-error"), OFFLINE);
    }
  });

  // ---- the client link -------------------------------------------------------------------------
  const link = $("public-link");
  if (link) {
    link.value = location.origin + link.dataset.path;
    $("copy-link")?.addEventListener("click", async () => {
      try {
        await navigator.clipboard.writeText(link.value);
        $("copy-link").textContent = "Copied";
      } catch {
        link.select();
      }
    });
  }
})();
