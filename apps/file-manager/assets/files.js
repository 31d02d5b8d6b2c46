// File Manager's page script: uploads (the file picker and drag-and-drop, one file after another,
// each with its progress), new folders, the file's detail dialog with a preview, share links,
// rename, move, trash, restore and emptying the trash. Everything goes through the app's API with
// the session's CSRF token; the page is server-rendered, so a change that alters the listing
// reloads it.
(() => {
  "use strict";
  const root = document.getElementById("file-manager");
  if (!root) return;
  const api = root.dataset.api;
  const maxUpload = Number(root.dataset.maxUpload || 0);
  const canWrite = root.dataset.canWrite === "true";
  const currentFolder = root.dataset.currentFolder || "";
  const csrf = () => document.querySelector('meta[name="csrf-token"]')?.content || "";
  const $ = (id) => document.getElementById(id);
  const OFFLINE = "The server could not be reached. Try again.";
  const INLINE = "?inline=true"; // content shown in the page instead of downloaded

  // ---- the API -------------------------------------------------------------------------------
  function toLogin() {
    location.href = "/login?next=" + encodeURIComponent(location.pathname + location.search);
  }

  function setBalance(value) {
    const badge = $("balance");
    if (badge && Number.isFinite(value)) {
      badge.dataset.balance = String(value);
      badge.textContent = value.toLocaleString("id-ID");
    }
  }

  // The layout's "not enough credits" dialog, as the dashboard script opens it.
  function needCredits(error) {
    const dialog = $("need-credits");
    if (!dialog || typeof dialog.showModal !== "function") return;
    dialog.querySelector('[data-field="required"]').textContent = String(error?.required ?? "");
    dialog.querySelector('[data-field="current"]').textContent = String(error?.current ?? "");
    if (typeof error?.current === "number") setBalance(error.current);
    if (!dialog.open) dialog.showModal();
  }

  // Whatever a JSON answer says: the balance badge follows `creditBalance`, a 401 goes to the
  // login page, a 402 offers to buy credits.
  function answered(status, data) {
    if (data && typeof data.creditBalance === "number") setBalance(data.creditBalance);
    if (status === 401) toLogin();
    else if (status === 402) needCredits(data?.error);
  }

  // Calls the API; never throws: a network failure answers status 0 with a message.
  async function call(method, path, body) {
    const init = { method, credentials: "same-origin", headers: { Accept: "application/json" } };
    if (method !== "GET") init.headers["X-CSRF-Token"] = csrf();
    if (body !== undefined) {
      init.headers["Content-Type"] = "application/json";
      init.body = JSON.stringify(body);
    }
    let response;
    try {
      response = await fetch(api + path, init);
    } catch {
      return { response: { ok: false, status: 0 }, data: { error: { message: OFFLINE } } };
    }
    let data = null;
    if (response.status !== 204) {
      try {
        data = await response.json();
      } catch {
        data = null;
      }
    }
    answered(response.status, data);
    return { response, data };
  }

  // The message of an error answer, with its field messages.
  function messageOf(data, status) {
    const error = data?.error;
    if (!error) return status ? `Something went wrong (${status}).` : OFFLINE;
    const fields = error.fields ? Object.values(error.fields).flat().join("; ") : "";
    if (fields && error.message) return `${error.message}: ${fields}`;
    return fields || error.message || "Something went wrong.";
  }

  // ---- showing errors ------------------------------------------------------------------------
  function clearErrors(scope) {
    for (const el of scope.querySelectorAll(".field-error, .form-error")) {
      el.textContent = "";
      el.hidden = true;
    }
    for (const el of scope.querySelectorAll('[aria-invalid="true"]')) el.removeAttribute("aria-invalid");
  }

  function showError(scope, message) {
    let box = scope.querySelector(".form-error");
    if (!box) {
      box = document.createElement("p");
      box.className = "form-error";
      box.setAttribute("role", "alert");
      scope.append(box);
    }
    box.textContent = message;
    box.hidden = false;
  }

  // A failed answer in a form: field messages beside their inputs when the form has a place for
  // them (`data-error-for`), everything else in the form's `.form-error`.
  function showErrors(form, response, data) {
    if (response.status === 401) return;
    const error = data?.error;
    const rest = [];
    for (const [field, messages] of Object.entries(error?.fields || {})) {
      const text = [].concat(messages).join(", ");
      const box = form.querySelector(`[data-error-for="${CSS.escape(field)}"]`);
      const input = form.querySelector(`[name="${CSS.escape(field)}"]`);
      if (input) input.setAttribute("aria-invalid", "true");
      if (box) {
        box.textContent = text;
        box.hidden = false;
      } else {
        rest.push(text);
      }
    }
    if (!error?.fields || rest.length > 0) {
      const message = error?.message || messageOf(data, response.status);
      showError(form, rest.length > 0 ? `${message}: ${rest.join("; ")}` : message);
    }
  }

  // An error beside a row's action buttons.
  function rowError(button, message) {
    const cell = button.closest("td") || button.parentElement;
    showError(cell, message);
  }

  function fieldError(form, field, message) {
    const box = form.querySelector(`[data-error-for="${field}"]`);
    if (box) {
      box.textContent = message;
      box.hidden = false;
    } else {
      showError(form, message);
    }
  }

  // Runs `work` with the form's buttons disabled.
  async function busy(scope, work) {
    const buttons = scope.querySelectorAll("button");
    buttons.forEach((b) => (b.disabled = true));
    scope.setAttribute("aria-busy", "true");
    try {
      return await work();
    } finally {
      buttons.forEach((b) => (b.disabled = false));
      scope.removeAttribute("aria-busy");
    }
  }

  // ---- formatting ----------------------------------------------------------------------------
  function humanSize(bytes) {
    const units = ["KiB", "MiB", "GiB", "TiB"];
    if (bytes < 1024) return bytes === 1 ? "1 byte" : `${bytes} bytes`;
    let n = bytes / 1024;
    let i = 0;
    while (n >= 1024 && i < units.length - 1) {
      n /= 1024;
      i += 1;
    }
    return `${n.toFixed(1).replace(/\.0$/, "")} ${units[i]}`;
  }

  function when(iso) {
    return iso ? new Date(iso).toLocaleString() : "";
  }

  const rowOf = (kind, id) => document.querySelector(`tr[data-${kind}="${CSS.escape(id)}"]`);

  // ---- uploads -------------------------------------------------------------------------------
  const zone = $("drop-zone");
  const uploadForm = $("upload-form");
  const uploadInput = $("upload-input");
  const uploadList = $("upload-list");
  const uploadFolder = zone?.dataset.folder ?? currentFolder;
  const uploadLimit = Number(zone?.dataset.maxUpload || maxUpload);
  const queue = [];
  let uploading = false;
  let succeeded = 0;

  if ($("upload-limit") && uploadLimit > 0) $("upload-limit").textContent = ` · up to ${humanSize(uploadLimit)} a file`;

  // One line of the progress list: the name, a progress bar and the outcome.
  function uploadRow(name, size) {
    const li = document.createElement("li");
    li.className = "upload";
    const label = document.createElement("span");
    label.className = "upload-name";
    label.textContent = name;
    const bar = document.createElement("progress");
    bar.max = Math.max(1, size);
    bar.value = 0;
    bar.setAttribute("aria-label", "Uploading " + name);
    const status = document.createElement("span");
    status.className = "upload-status small muted";
    status.textContent = "waiting";
    li.append(label, bar, status);
    uploadList?.append(li);
    return { li, bar, status };
  }

  function settle(row, ok, text) {
    row.li.classList.add(ok ? "done" : "failed");
    row.status.textContent = text;
    if (!ok) {
      row.status.className = "upload-status form-error";
      row.status.setAttribute("role", "alert");
    } else {
      row.bar.value = row.bar.max;
    }
  }

  // Sends one file; resolves "ok", "failed", or "stop" (no point trying the rest of the batch).
  function upload(job) {
    const { file, row } = job;
    if (uploadLimit > 0 && file.size > uploadLimit) {
      settle(row, false, `Too large (${humanSize(file.size)}): files may be up to ${humanSize(uploadLimit)}.`);
      return Promise.resolve("failed");
    }
    row.status.textContent = "uploading…";
    return new Promise((resolve) => {
      let url = `${api}/files?name=${encodeURIComponent(file.name)}`;
      if (uploadFolder) url += `&folderId=${encodeURIComponent(uploadFolder)}`;
      const xhr = new XMLHttpRequest();
      xhr.open("POST", url);
      xhr.setRequestHeader("Content-Type", file.type || "application/octet-stream");
      xhr.setRequestHeader("X-CSRF-Token", csrf());
      xhr.setRequestHeader("Accept", "application/json");
      xhr.upload.onprogress = (e) => {
        if (!e.lengthComputable) return;
        row.bar.max = Math.max(1, e.total);
        row.bar.value = e.loaded;
        row.status.textContent = `${Math.floor((e.loaded / Math.max(1, e.total)) * 100)}%`;
      };
      xhr.onload = () => {
        let data = null;
        try {
          data = JSON.parse(xhr.responseText);
        } catch {
          data = null;
        }
        answered(xhr.status, data);
        if (xhr.status >= 200 && xhr.status < 300) {
          settle(row, true, "uploaded");
          resolve("ok");
          return;
        }
        settle(row, false, messageOf(data, xhr.status));
        resolve(xhr.status === 401 || xhr.status === 402 ? "stop" : "failed");
      };
      xhr.onerror = () => {
        settle(row, false, OFFLINE);
        resolve("failed");
      };
      xhr.onabort = () => {
        settle(row, false, "Cancelled.");
        resolve("failed");
      };
      xhr.send(file);
    });
  }

  // Uploads the queue one file after another; once the batch is done, reloads the page when at
  // least one file arrived so the listing (and thumbnails) show it.
  async function drain() {
    if (uploading) return;
    uploading = true;
    while (queue.length > 0) {
      const outcome = await upload(queue.shift());
      if (outcome === "ok") succeeded += 1;
      if (outcome === "stop") {
        for (const job of queue.splice(0)) settle(job.row, false, "Not uploaded.");
      }
    }
    uploading = false;
    if (succeeded > 0) {
      succeeded = 0;
      location.reload();
    }
  }

  function enqueue(files) {
    for (const file of files) queue.push({ file, row: uploadRow(file.name, file.size) });
    drain();
  }

  uploadInput?.addEventListener("change", () => {
    if (uploadForm) clearErrors(uploadForm);
    if (uploadInput.files.length === 0) return;
    enqueue([...uploadInput.files]);
    uploadInput.value = ""; // the same files may be chosen again later
  });

  uploadForm?.addEventListener("submit", (e) => {
    e.preventDefault();
    clearErrors(uploadForm);
    if (uploadInput.files.length > 0) {
      enqueue([...uploadInput.files]);
      uploadInput.value = "";
    } else if (!uploading) {
      showError(uploadForm, "Choose one or more files first.");
    }
  });

  // Drag and drop onto the listing.
  const carriesFiles = (e) => !e.dataTransfer || [...(e.dataTransfer.types || [])].includes("Files");
  if (zone) {
    zone.addEventListener("dragenter", (e) => {
      if (!carriesFiles(e)) return;
      e.preventDefault();
      zone.classList.add("dragging");
    });
    zone.addEventListener("dragover", (e) => {
      if (!carriesFiles(e)) return;
      e.preventDefault();
      if (e.dataTransfer) e.dataTransfer.dropEffect = "copy";
      zone.classList.add("dragging");
    });
    zone.addEventListener("dragleave", (e) => {
      e.preventDefault();
      // Moving over a child fires dragleave too: only leaving the zone itself counts.
      if (e.relatedTarget && zone.contains(e.relatedTarget)) return;
      zone.classList.remove("dragging");
    });
    zone.addEventListener("drop", (e) => {
      e.preventDefault();
      zone.classList.remove("dragging");
      const dt = e.dataTransfer;
      if (!dt) return;
      const files = [];
      const items = [...(dt.items || [])].filter((item) => item.kind === "file");
      if (items.length > 0) {
        for (const item of items) {
          const entry = typeof item.webkitGetAsEntry === "function" ? item.webkitGetAsEntry() : null;
          const file = item.getAsFile();
          if (entry?.isDirectory) {
            settle(uploadRow(file?.name || "folder", 0), false, "Folders cannot be uploaded: drop the files inside it.");
          } else if (file) {
            files.push(file);
          }
        }
      } else {
        files.push(...dt.files);
      }
      if (files.length > 0) enqueue(files);
    });
    // A file dropped beside the zone must not replace the page with itself.
    for (const type of ["dragover", "drop"]) {
      document.addEventListener(type, (e) => {
        if (!carriesFiles(e) || zone.contains(e.target)) return;
        e.preventDefault();
        if (e.dataTransfer) e.dataTransfer.dropEffect = "none";
      });
    }
  }

  // ---- new folder ----------------------------------------------------------------------------
  $("new-folder")?.addEventListener("submit", async (e) => {
    e.preventDefault();
    const form = e.currentTarget;
    clearErrors(form);
    const name = $("folder-name").value.trim();
    if (!name) {
      fieldError(form, "name", "Enter a name for the folder.");
      return;
    }
    await busy(form, async () => {
      const { response, data } = await call("POST", "/folders", { name, parentId: currentFolder || null });
      if (response.ok) location.reload();
      else showErrors(form, response, data);
    });
  });

  // ---- the file's details --------------------------------------------------------------------
  const fileDialog = $("file-dialog");
  const preview = $("preview");
  let opened = 0; // answers for a file opened before the last one are dropped

  function kindOf(contentType) {
    if (contentType === "application/pdf") return "pdf";
    if (contentType.startsWith("image/")) return "image";
    if (contentType.startsWith("text/") || contentType === "application/json") return "text";
    return "other";
  }

  function fact(name, text) {
    const el = fileDialog.querySelector(`[data-fact="${name}"]`);
    if (el) el.textContent = text;
  }

  function note(text) {
    const p = document.createElement("p");
    p.className = "muted small";
    p.textContent = text;
    return p;
  }

  async function showPreview(file, kind, ticket) {
    const inline = `${api}/files/${file.id}/content${INLINE}`;
    if (kind === "image") {
      const img = document.createElement("img");
      img.src = inline;
      img.alt = "Preview of " + file.name;
      img.addEventListener("error", () => img.replaceWith(note("The preview could not be loaded.")));
      preview.replaceChildren(img);
    } else if (kind === "pdf") {
      const frame = document.createElement("iframe");
      frame.src = inline;
      frame.title = "Preview of " + file.name;
      preview.replaceChildren(frame);
    } else if (kind === "text") {
      if (file.size === 0) {
        preview.replaceChildren(note("The file is empty."));
        return;
      }
      preview.replaceChildren(note("Loading the preview…"));
      let text;
      let total = file.size;
      try {
        const response = await fetch(`${api}/files/${file.id}/content`, {
          credentials: "same-origin",
          headers: { Range: "bytes=0-65535" },
        });
        if (response.status === 401) return toLogin();
        if (!response.ok) throw new Error(String(response.status));
        const range = /\/(\d+)\s*$/.exec(response.headers.get("Content-Range") || "");
        if (range) total = Number(range[1]);
        text = await response.text();
      } catch {
        if (ticket === opened) preview.replaceChildren(note("The preview could not be loaded."));
        return;
      }
      if (ticket !== opened) return;
      const pre = document.createElement("pre");
      pre.textContent = text;
      const parts = [pre];
      if (total > 65536) parts.unshift(note(`Showing the first 64 KiB of ${humanSize(total)}.`));
      preview.replaceChildren(...parts);
    } else {
      preview.replaceChildren(note("No preview for this type."));
    }
  }

  async function openFile(id) {
    if (!fileDialog) return;
    const ticket = ++opened;
    const row = rowOf("file", id);
    clearErrors(fileDialog);
    $("file-dialog-title").textContent = row?.dataset.name || "File";
    for (const el of fileDialog.querySelectorAll("[data-fact]")) el.textContent = "";
    fileDialog.querySelector('[data-fact-row="trashed"]').hidden = true;
    preview.replaceChildren(note("Loading…"));
    $("file-download").href = `${api}/files/${id}/content`;
    $("file-inline").hidden = true;
    if (!fileDialog.open) fileDialog.showModal();

    const { response, data } = await call("GET", `/files/${encodeURIComponent(id)}`);
    if (ticket !== opened) return;
    if (!response.ok || !data?.file) {
      preview.replaceChildren();
      if (response.status !== 401) showError(fileDialog, messageOf(data, response.status));
      return;
    }
    const file = data.file;
    $("file-dialog-title").textContent = file.name;
    const size = Number(file.size || 0);
    fact("size", `${humanSize(size)} (${size.toLocaleString()} bytes)`);
    const declared = file.declaredType && file.declaredType !== file.contentType ? ` (declared as ${file.declaredType})` : "";
    fact("type", file.contentType + declared);
    fact("sha256", file.sha256 || "");
    fact("uploader", file.uploadedBy?.name || "A former member");
    fact("created", when(file.createdAt));
    fact("updated", when(file.updatedAt));
    if (file.trashedAt) {
      fact("trashed", when(file.trashedAt));
      fileDialog.querySelector('[data-fact-row="trashed"]').hidden = false;
    }
    const kind = row?.dataset.kind || kindOf(file.contentType || "");
    if (kind !== "other") {
      $("file-inline").href = `${api}/files/${file.id}/content${INLINE}`;
      $("file-inline").hidden = false;
    }
    await showPreview(file, kind, ticket);
  }

  // Closing the dialog stops whatever the preview was loading.
  fileDialog?.addEventListener("close", () => {
    opened += 1;
    preview.replaceChildren();
  });

  // ---- share links ---------------------------------------------------------------------------
  const shareDialog = $("share-dialog");
  const shareForm = $("share-form");
  let sharing = null;

  function shareItem(share) {
    const li = document.createElement("li");
    li.dataset.shareItem = share.id;
    const revoked = Boolean(share.revokedAt);
    const expired = !revoked && new Date(share.expiresAt).getTime() <= Date.now();
    const state = document.createElement("span");
    state.className = "share-state";
    state.textContent = revoked
      ? `Revoked ${when(share.revokedAt)}`
      : expired
        ? `Expired ${when(share.expiresAt)}`
        : `Expires ${when(share.expiresAt)}`;
    const meta = document.createElement("span");
    meta.className = "muted small";
    const count = Number(share.downloads || 0);
    meta.textContent = `${count} ${count === 1 ? "download" : "downloads"} · created ${when(share.createdAt)}`;
    li.append(state, " ", meta);
    if (share.hasPassword) {
      const mark = document.createElement("span");
      mark.className = "badge share-password";
      mark.textContent = "password";
      li.append(" ", mark);
    }
    if (revoked || expired) {
      li.classList.add("inactive");
    } else if (canWrite) {
      const revoke = document.createElement("button");
      revoke.type = "button";
      revoke.className = "link small danger-link";
      revoke.dataset.revokeShare = share.id;
      revoke.textContent = "Revoke";
      li.append(" ", revoke);
    }
    return li;
  }

  async function loadShares() {
    const list = $("share-list");
    const error = $("share-list-error");
    const id = sharing;
    error.hidden = true;
    const { response, data } = await call("GET", `/files/${encodeURIComponent(id)}/shares`);
    if (id !== sharing) return;
    if (!response.ok) {
      if (response.status !== 401) {
        error.textContent = messageOf(data, response.status);
        error.hidden = false;
      }
      return;
    }
    const items = data?.items || [];
    if (items.length === 0) {
      const li = document.createElement("li");
      li.className = "muted";
      li.textContent = "No links yet.";
      list.replaceChildren(li);
    } else {
      list.replaceChildren(...items.map(shareItem));
    }
  }

  function openShare(id) {
    if (!shareDialog) return;
    sharing = id;
    shareForm.reset();
    clearErrors(shareDialog);
    $("share-result").hidden = true;
    $("share-link").value = "";
    $("copy-status").textContent = "";
    $("share-list").replaceChildren();
    const name = rowOf("file", id)?.dataset.name;
    $("share-dialog-title").textContent = name ? `Share “${name}”` : "Share";
    shareDialog.showModal();
    loadShares();
  }

  shareForm?.addEventListener("submit", async (e) => {
    e.preventDefault();
    clearErrors(shareForm);
    const body = { expiresInHours: Number($("share-expiry").value) };
    const password = $("share-password").value;
    if (password) {
      if (password.length < 8 || password.length > 128) {
        fieldError(shareForm, "password", "A password needs 8 to 128 characters.");
        $("share-password").setAttribute("aria-invalid", "true");
        return;
      }
      body.password = password;
    }
    const id = sharing;
    await busy(shareForm, async () => {
      const { response, data } = await call("POST", `/files/${encodeURIComponent(id)}/shares`, body);
      if (!response.ok || !data?.share) {
        showErrors(shareForm, response, data);
        return;
      }
      $("share-password").value = "";
      const link = $("share-link");
      link.value = location.origin + data.share.url;
      $("copy-status").textContent = "";
      $("share-result").hidden = false;
      link.focus();
      link.select();
      loadShares();
    });
  });

  $("copy-share")?.addEventListener("click", async () => {
    const link = $("share-link");
    const status = $("copy-status");
    try {
      await navigator.clipboard.writeText(link.value);
      status.textContent = "Copied.";
    } catch {
      // No clipboard access (an insecure origin, a refused permission): select it for the user.
      link.focus();
      link.select();
      let copied = false;
      try {
        copied = document.execCommand("copy");
      } catch {
        copied = false;
      }
      status.textContent = copied ? "Copied." : "Selected: press Ctrl+C (⌘C on a Mac) to copy.";
    }
  });

  async function revokeShare(button) {
    const error = $("share-list-error");
    error.hidden = true;
    button.disabled = true;
    const { response, data } = await call("DELETE", `/shares/${encodeURIComponent(button.dataset.revokeShare)}`);
    if (response.ok) {
      loadShares();
      return;
    }
    button.disabled = false;
    if (response.status !== 401) {
      error.textContent = messageOf(data, response.status);
      error.hidden = false;
    }
  }

  // ---- rename and move -----------------------------------------------------------------------
  const renameDialog = $("rename-dialog");
  const renameForm = $("rename-form");
  const moveDialog = $("move-dialog");
  const moveForm = $("move-form");
  let target = null; // { kind: "file" | "folder", id, name }

  function openRename(kind, id) {
    if (!renameDialog) return;
    const name = rowOf(kind, id)?.dataset.name || "";
    target = { kind, id, name };
    clearErrors(renameForm);
    $("rename-dialog-title").textContent = kind === "file" ? "Rename file" : "Rename folder";
    const input = $("rename-name");
    input.value = name;
    renameDialog.showModal();
    input.focus();
    // Select the name without its extension, ready to type over.
    const dot = kind === "file" ? name.lastIndexOf(".") : -1;
    input.setSelectionRange(0, dot > 0 ? dot : name.length);
  }

  renameForm?.addEventListener("submit", async (e) => {
    e.preventDefault();
    clearErrors(renameForm);
    const name = $("rename-name").value.trim();
    if (!name) {
      fieldError(renameForm, "name", "Enter a name.");
      return;
    }
    if (name === target.name) {
      renameDialog.close();
      return;
    }
    const path = `/${target.kind === "file" ? "files" : "folders"}/${encodeURIComponent(target.id)}`;
    await busy(renameForm, async () => {
      const { response, data } = await call("PATCH", path, { name });
      if (response.ok) location.reload();
      else showErrors(renameForm, response, data);
    });
  });

  function openMove(kind, id) {
    if (!moveDialog) return;
    target = { kind, id, name: rowOf(kind, id)?.dataset.name || "" };
    clearErrors(moveForm);
    $("move-dialog-title").textContent = target.name ? `Move “${target.name}”` : "Move";
    const select = $("move-target");
    // A folder cannot go into itself (the server refuses its subfolders too).
    for (const option of select.options) option.disabled = kind === "folder" && option.value === id;
    select.value = currentFolder;
    if (select.selectedIndex < 0) select.value = "";
    moveDialog.showModal();
    select.focus();
  }

  moveForm?.addEventListener("submit", async (e) => {
    e.preventDefault();
    clearErrors(moveForm);
    const destination = $("move-target").value || null;
    if ((destination || "") === currentFolder) {
      showError(moveForm, "It is already in this folder: choose another one.");
      return;
    }
    const isFile = target.kind === "file";
    const path = `/${isFile ? "files" : "folders"}/${encodeURIComponent(target.id)}`;
    const body = isFile ? { folderId: destination } : { parentId: destination };
    await busy(moveForm, async () => {
      const { response, data } = await call("PATCH", path, body);
      if (response.ok) location.reload();
      else showErrors(moveForm, response, data);
    });
  });

  // ---- trash, restore, delete ----------------------------------------------------------------
  // Runs a row action; reloads when it worked, else shows why beside the button.
  async function rowAction(button, method, path) {
    const cell = button.closest("td") || button.parentElement;
    clearErrors(cell);
    button.disabled = true;
    const { response, data } = await call(method, path);
    if (response.ok) {
      location.reload();
      return;
    }
    button.disabled = false;
    if (response.status !== 401) rowError(button, messageOf(data, response.status));
  }

  const emptyDialog = $("empty-trash-dialog");
  $("empty-trash")?.addEventListener("click", () => {
    if (!emptyDialog) return;
    clearErrors(emptyDialog);
    emptyDialog.showModal();
  });
  $("confirm-empty-trash")?.addEventListener("click", async () => {
    clearErrors(emptyDialog);
    await busy(emptyDialog, async () => {
      const { response, data } = await call("DELETE", "/trash");
      if (response.ok) location.reload();
      else if (response.status !== 401) showError(emptyDialog, messageOf(data, response.status));
    });
  });

  // ---- the buttons in the listing and the dialogs --------------------------------------------
  root.addEventListener("click", (e) => {
    const button = e.target.closest("button");
    if (!button || !root.contains(button)) return;
    const d = button.dataset;
    if (d.fileOpen) openFile(d.fileOpen);
    else if (d.share) openShare(d.share);
    else if (d.renameFile) openRename("file", d.renameFile);
    else if (d.renameFolder) openRename("folder", d.renameFolder);
    else if (d.moveFile) openMove("file", d.moveFile);
    else if (d.moveFolder) openMove("folder", d.moveFolder);
    else if (d.trash) rowAction(button, "DELETE", `/files/${encodeURIComponent(d.trash)}`);
    else if (d.restore) rowAction(button, "POST", `/files/${encodeURIComponent(d.restore)}/restore`);
    else if (d.deleteFolder) rowAction(button, "DELETE", `/folders/${encodeURIComponent(d.deleteFolder)}`);
    else if (d.revokeShare) revokeShare(button);
    else if ("closeDialog" in d) button.closest("dialog")?.close();
  });

  // A thumbnail that fails to load gives way to the kind's badge.
  root.addEventListener(
    "error",
    (e) => {
      const img = e.target;
      if (!(img instanceof HTMLImageElement) || !img.classList.contains("thumb")) return;
      const badge = document.createElement("span");
      const kind = img.closest("tr")?.dataset.kind || "other";
      badge.className = "kind kind-" + kind;
      badge.setAttribute("aria-hidden", "true");
      badge.textContent = { image: "IMG", pdf: "PDF", text: "TXT" }[kind] || "FILE";
      img.replaceWith(badge);
    },
    true,
  );
})();
