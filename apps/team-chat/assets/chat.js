// Team Chat's page script: one realtime connection (WebSocket, or Server-Sent Events where a
// WebSocket cannot open) watching every channel the page lists, the user's own topic and the
// tenant's channel list. It resumes from the last event it saw after a drop (and reloads when the
// server says too much was missed), keeps the open channel's messages, reactions, threads and
// "typing…" live and the other channels' unread badges current, and sends through the app's
// metered API with the session's CSRF token.
(() => {
  "use strict";
  const root = document.getElementById("chat");
  if (!root) return;
  const api = root.dataset.api;
  const me = root.dataset.user;
  const current = root.dataset.channel || null;
  const canWrite = root.dataset.canWrite === "true";
  const moderates = root.dataset.moderates === "true";
  const csrf = () => document.querySelector('meta[name="csrf-token"]')?.content || "";
  const $ = (id) => document.getElementById(id);
  const status = $("chat-status");
  const messages = $("messages");
  let lastEventId = null;
  let socket = null;
  let source = null;
  let attempts = 0;
  let useSse = !("WebSocket" in window);
  let threadRoot = null;

  // ---- the API -------------------------------------------------------------------------------
  async function call(method, path, body) {
    const init = {
      method,
      credentials: "same-origin",
      headers: { Accept: "application/json", "X-CSRF-Token": csrf() },
    };
    if (body !== undefined) {
      init.headers["Content-Type"] = "application/json";
      init.body = JSON.stringify(body);
    }
    const response = await fetch(api + path, init);
    let data = null;
    try {
      data = await response.json();
    } catch {
      data = null;
    }
    if (response.ok && data && typeof data.creditBalance === "number") {
      const badge = $("balance");
      if (badge) {
        badge.dataset.balance = String(data.creditBalance);
        badge.textContent = data.creditBalance.toLocaleString("id-ID");
      }
    }
    return { response, data };
  }

  function failed(form, response, data) {
    const error = data?.error || { message: "Something went wrong" };
    if (response.status === 401) {
      location.href = "/login?next=" + encodeURIComponent(location.pathname + location.search);
      return;
    }
    if (response.status === 402) {
      const dialog = $("need-credits");
      if (dialog && typeof dialog.showModal === "function") {
        dialog.querySelector('[data-field="required"]').textContent = String(error.required ?? "");
        dialog.querySelector('[data-field="current"]').textContent = String(error.current ?? "");
        dialog.showModal();
        return;
      }
    }
    const shown = form?.querySelector(".form-error");
    if (shown) {
      const fields = error.fields ? Object.values(error.fields).flat().join("; ") : "";
      shown.textContent = fields ? error.message + ": " + fields : error.message;
      shown.hidden = false;
    }
  }

  // ---- rendering -----------------------------------------------------------------------------
  function time(iso) {
    const at = new Date(iso);
    return at.toLocaleString(undefined, { day: "2-digit", month: "short", hour: "2-digit", minute: "2-digit" });
  }

  function reactionsOf(message) {
    const p = document.createElement("p");
    p.className = "reactions";
    for (const r of message.reactions || []) {
      const b = document.createElement("button");
      b.type = "button";
      b.className = "reaction" + (r.userIds.includes(me) ? " mine" : "");
      b.dataset.emoji = r.emoji;
      b.textContent = r.emoji + " " + r.userIds.length;
      b.setAttribute("aria-pressed", r.userIds.includes(me) ? "true" : "false");
      p.append(b);
    }
    return p;
  }

  function render(message) {
    const li = document.createElement("li");
    li.className = "message" + (message.deleted ? " deleted" : "");
    li.dataset.message = message.id;
    li.dataset.author = message.authorId;
    li.dataset.reactions = JSON.stringify(message.reactions || []);
    li.dataset.source = message.body || "";
    const meta = document.createElement("p");
    meta.className = "message-meta";
    const who = document.createElement("strong");
    who.textContent = message.authorName || "A former member";
    const when = document.createElement("time");
    when.dateTime = message.createdAt;
    when.textContent = time(message.createdAt);
    meta.append(who, " ", when);
    if (message.editedAt) {
      const edited = document.createElement("span");
      edited.className = "muted small";
      edited.textContent = " (edited)";
      meta.append(edited);
    }
    const body = document.createElement("div");
    body.className = "message-body";
    if (message.deleted) {
      body.innerHTML = '<p class="muted">This message was deleted.</p>';
    } else {
      // Rendered by the server from Markdown with raw HTML escaped and unsafe links removed.
      body.innerHTML = message.html;
    }
    li.append(meta, body, reactionsOf(message));
    if (!message.parentId) {
      const replies = document.createElement("p");
      replies.className = "muted small";
      replies.dataset.replies = String(message.replyCount || 0);
      replies.hidden = !message.replyCount;
      replies.textContent = message.replyCount + (message.replyCount === 1 ? " reply" : " replies");
      li.append(replies);
    }
    if (!message.deleted) li.append(actionsFor(message));
    return li;
  }

  function actionsFor(message) {
    const bar = document.createElement("p");
    bar.className = "message-actions";
    const button = (label, action) => {
      const b = document.createElement("button");
      b.type = "button";
      b.className = "link small";
      b.dataset.action = action;
      b.textContent = label;
      bar.append(b, " ");
    };
    if (canWrite) {
      for (const emoji of ["👍", "❤️", "🎉"]) button(emoji, "react:" + emoji);
      if (!message.parentId) button("Reply", "reply");
      if (message.authorId === me) button("Edit", "edit");
      if (message.authorId === me || moderates) button("Delete", "delete");
    } else if (!message.parentId) {
      button("Thread", "reply");
    }
    return bar;
  }

  function place(list, message, newestLast) {
    if (!list || list.querySelector(`[data-message="${message.id}"]`)) return;
    const li = render(message);
    if (newestLast) list.append(li);
    else list.prepend(li);
    $("no-messages")?.remove();
  }

  function replace(message) {
    for (const li of document.querySelectorAll(`[data-message="${message.id}"]`)) {
      const fresh = render(message);
      const replies = li.querySelector("[data-replies]");
      if (replies && fresh.querySelector("[data-replies]")) {
        fresh.querySelector("[data-replies]").replaceWith(replies.cloneNode(true));
      }
      li.replaceWith(fresh);
    }
  }

  function bumpReplies(parentId, by) {
    const replies = messages?.querySelector(`[data-message="${parentId}"] [data-replies]`);
    if (!replies) return;
    const count = Math.max(0, Number(replies.dataset.replies || 0) + by);
    replies.dataset.replies = String(count);
    replies.hidden = count === 0;
    replies.textContent = count + (count === 1 ? " reply" : " replies");
  }

  function setUnread(channelId, count) {
    const badge = document.querySelector(`[data-unread="${channelId}"]`);
    if (!badge) return;
    badge.textContent = count >= 100 ? "99+" : String(count);
    badge.hidden = count === 0;
    badge.dataset.count = String(count);
  }

  function addUnread(channelId) {
    const badge = document.querySelector(`[data-unread="${channelId}"]`);
    if (!badge) return;
    setUnread(channelId, Number(badge.dataset.count || badge.textContent || 0) + 1);
  }

  // ---- typing --------------------------------------------------------------------------------
  const typists = new Map();
  function showTyping() {
    const names = [...typists.values()].map((t) => t.name).filter(Boolean);
    $("typing").textContent =
      names.length === 0 ? "" : names.length === 1 ? names[0] + " is typing…" : names.join(", ") + " are typing…";
  }
  function typing(data) {
    if (data.userId === me || data.channelId !== current) return;
    clearTimeout(typists.get(data.userId)?.timer);
    typists.set(data.userId, { name: data.name, timer: setTimeout(() => { typists.delete(data.userId); showTyping(); }, 4000) });
    showTyping();
  }

  // ---- marking read --------------------------------------------------------------------------
  let readTimer = null;
  function markRead() {
    if (!current) return;
    clearTimeout(readTimer);
    readTimer = setTimeout(() => {
      if (document.visibilityState === "visible") call("POST", `/channels/${current}/read`, {});
    }, 300);
  }

  // ---- events --------------------------------------------------------------------------------
  function onEvent(frame) {
    if (frame.id) lastEventId = frame.id;
    const data = frame.data || {};
    switch (frame.event) {
      case "message.created": {
        const m = data.message;
        if (m.channelId !== current) {
          if (!m.parentId && m.authorId !== me) addUnread(m.channelId);
          return;
        }
        if (m.parentId) {
          bumpReplies(m.parentId, 1);
          if (threadRoot === m.parentId) place($("thread-messages"), m, true);
        } else {
          place(messages, m, true);
          if (m.authorId !== me) markRead();
        }
        typists.delete(m.authorId);
        showTyping();
        return;
      }
      case "message.updated":
        return replace(data.message);
      case "message.deleted":
        for (const li of document.querySelectorAll(`[data-message="${data.messageId}"]`)) {
          li.classList.add("deleted");
          li.querySelector(".message-body").innerHTML = '<p class="muted">This message was deleted.</p>';
          li.querySelector(".reactions")?.replaceChildren();
          li.querySelector(".message-actions")?.remove();
        }
        return;
      case "reaction.added":
      case "reaction.removed":
        for (const li of document.querySelectorAll(`[data-message="${data.messageId}"]`)) {
          const reactions = JSON.parse(li.dataset.reactions || "[]");
          let r = reactions.find((x) => x.emoji === data.emoji);
          if (!r) reactions.push((r = { emoji: data.emoji, userIds: [] }));
          r.userIds = r.userIds.filter((u) => u !== data.userId);
          if (frame.event === "reaction.added") r.userIds.push(data.userId);
          const kept = reactions.filter((x) => x.userIds.length > 0);
          li.dataset.reactions = JSON.stringify(kept);
          li.querySelector(".reactions").replaceWith(reactionsOf({ reactions: kept }));
        }
        return;
      case "typing":
        return typing(data);
      case "read":
        return setUnread(data.channelId, 0);
      case "mention": {
        const box = $("chat-mentions");
        box.textContent = `${data.authorName} mentioned you${data.channelName ? " in # " + data.channelName : ""}: ${data.excerpt}`;
        box.hidden = false;
        return;
      }
      case "channel.created":
      case "channel.added":
      case "channel.removed":
      case "channel.deleted":
      case "channel.updated": {
        const id = data.channelId || data.channel?.id;
        if (id === current && (frame.event === "channel.removed" || frame.event === "channel.deleted")) {
          location.href = location.pathname;
          return;
        }
        if (id === current && data.channel?.name) $("channel-title").textContent = "# " + data.channel.name;
        refreshChannels();
        return;
      }
      default:
        return;
    }
  }

  function onFrame(text) {
    let frame;
    try {
      frame = JSON.parse(text);
    } catch {
      return;
    }
    if (frame.type === "event") onEvent(frame);
    else if (frame.type === "reset") location.reload();
    else if (frame.type === "unsubscribed" && frame.topic === "team-chat:channel:" + current) location.href = location.pathname;
  }

  // ---- the channel list ----------------------------------------------------------------------
  // Member names for direct conversations, from the "message a member" choices.
  const names = new Map([...document.querySelectorAll("#direct-user option")].map((o) => [o.value, o.textContent]));

  function entry(c) {
    const li = document.createElement("li");
    const a = document.createElement("a");
    a.href = "?channel=" + c.id;
    a.dataset.channelLink = c.id;
    if (c.id === current) a.setAttribute("aria-current", "page");
    const label = document.createElement("span");
    label.textContent = c.name ? "# " + c.name : names.get(c.peer) || "A former member";
    a.append(label);
    if (c.kind === "private") {
      const tag = document.createElement("span");
      tag.className = "muted small";
      tag.textContent = "private";
      a.append(" ", tag);
    }
    const badge = document.createElement("span");
    badge.className = "badge";
    badge.dataset.unread = c.id;
    badge.dataset.count = String(c.unread);
    badge.textContent = c.unread >= 100 ? "99+" : String(c.unread);
    badge.hidden = c.unread === 0;
    a.append(" ", badge);
    li.append(a);
    return li;
  }

  // Redraws both lists from the API (no reload: the conversation and its scroll stay), and
  // watches channels that were not watched yet.
  let refreshing = null;
  function refreshChannels() {
    clearTimeout(refreshing);
    refreshing = setTimeout(async () => {
      const { response, data } = await call("GET", "/channels");
      if (!response.ok) return;
      $("channel-list").replaceChildren(...data.items.filter((c) => c.kind !== "direct").map(entry));
      $("direct-list").replaceChildren(...data.items.filter((c) => c.kind === "direct").map(entry));
      $("no-channels")?.remove();
      const known = new Set((root.dataset.channels || "").split(",").filter(Boolean));
      const fresh = data.items.map((c) => c.id).filter((id) => !known.has(id));
      if (fresh.length === 0) return;
      root.dataset.channels = [...known, ...fresh].join(",");
      if (socket && socket.readyState === WebSocket.OPEN) {
        for (const id of fresh) socket.send(JSON.stringify({ type: "subscribe", topic: "team-chat:channel:" + id }));
      } else if (source) {
        source.close();
        connect(); // an event stream's topics are fixed: open it again, resuming
      }
    }, 150);
  }

  // ---- the connection ------------------------------------------------------------------------
  function topics() {
    const channels = (root.dataset.channels || "").split(",").filter(Boolean);
    return ["team-chat:user:" + me, "team-chat:channels", ...channels.map((c) => "team-chat:channel:" + c)].join(",");
  }

  function connected() {
    attempts = 0;
    status.textContent = "Live";
    status.dataset.live = "true";
  }

  function retry() {
    status.textContent = "Reconnecting…";
    status.dataset.live = "false";
    attempts += 1;
    if (attempts >= 3 && !useSse && "EventSource" in window) useSse = true;
    setTimeout(connect, Math.min(10000, 500 * 2 ** Math.min(attempts, 5)));
  }

  function connect() {
    const query = new URLSearchParams({ topics: topics() });
    if (lastEventId) query.set("lastEventId", lastEventId);
    if (useSse) {
      source = new EventSource("/api/realtime/sse?" + query);
      source.onopen = connected;
      source.onmessage = (e) => onFrame(e.data);
      source.onerror = () => {
        source.close();
        retry();
      };
      return;
    }
    const scheme = location.protocol === "https:" ? "wss:" : "ws:";
    socket = new WebSocket(`${scheme}//${location.host}/api/realtime?${query}`);
    socket.onopen = connected;
    socket.onmessage = (e) => onFrame(e.data);
    socket.onclose = (e) => {
      if (e.code === 4001 || e.code === 4003) {
        location.reload();
        return;
      }
      retry();
    };
  }

  // ---- what the user does --------------------------------------------------------------------
  const composer = $("composer");
  const body = $("composer-body");
  let typingSent = 0;
  body?.addEventListener("input", () => {
    const now = Date.now();
    if (now - typingSent > 3000 && body.value.trim() !== "") {
      typingSent = now;
      call("POST", `/channels/${current}/typing`);
    }
  });
  body?.addEventListener("keydown", (e) => {
    if (e.key === "Enter" && !e.shiftKey) {
      e.preventDefault();
      composer.requestSubmit();
    }
  });
  composer?.addEventListener("submit", async (e) => {
    e.preventDefault();
    const error = composer.querySelector(".form-error");
    error.hidden = true;
    const text = body.value.trim();
    if (!text) return;
    const parentId = $("composer-parent").value || undefined;
    const send = $("send");
    send.disabled = true;
    try {
      const { response, data } = await call("POST", `/channels/${current}/messages`, { body: text, parentId });
      if (response.ok) {
        body.value = "";
        typingSent = 0;
        if (parentId) place($("thread-messages"), data.message, true);
        else place(messages, data.message, true);
      } else {
        failed(composer, response, data);
      }
    } catch {
      error.textContent = "The server could not be reached. Try again.";
      error.hidden = false;
    } finally {
      send.disabled = false;
      body.focus();
    }
  });

  function replyTo(id) {
    threadRoot = id;
    $("composer-parent").value = id;
    $("composer-replying") && ($("composer-replying").hidden = false);
    const thread = $("thread");
    const list = $("thread-messages");
    list.replaceChildren();
    thread.hidden = false;
    call("GET", `/messages/${id}/replies?limit=200`).then(({ response, data }) => {
      if (response.ok) for (const m of data.items) place(list, m, true);
    });
    body?.focus();
  }

  function closeThread() {
    threadRoot = null;
    $("thread").hidden = true;
    if ($("composer-parent")) $("composer-parent").value = "";
    if ($("composer-replying")) $("composer-replying").hidden = true;
  }
  $("close-thread")?.addEventListener("click", closeThread);
  $("composer-cancel-reply")?.addEventListener("click", closeThread);

  document.addEventListener("click", async (e) => {
    const reaction = e.target.closest("button.reaction");
    const action = e.target.closest("[data-action]");
    const li = e.target.closest("[data-message]");
    if (!li || (!action && !reaction)) return;
    const id = li.dataset.message;
    if (reaction && canWrite) {
      const emoji = reaction.dataset.emoji;
      const mine = reaction.classList.contains("mine");
      await call(mine ? "DELETE" : "POST", mine ? `/messages/${id}/reactions/${encodeURIComponent(emoji)}` : `/messages/${id}/reactions`, mine ? undefined : { emoji });
      return;
    }
    if (!action) return;
    const what = action.dataset.action;
    if (what.startsWith("react:")) {
      await call("POST", `/messages/${id}/reactions`, { emoji: what.slice(6) });
    } else if (what === "reply") {
      replyTo(id);
    } else if (what === "delete") {
      if (window.confirm("Delete this message?")) await call("DELETE", `/messages/${id}`);
    } else if (what === "edit") {
      const shown = li.querySelector(".message-body");
      const form = document.createElement("form");
      form.className = "edit-form";
      const area = document.createElement("textarea");
      area.name = "body";
      area.rows = 2;
      area.maxLength = 4000;
      area.value = li.dataset.source ?? shown.innerText.trim();
      const save = document.createElement("button");
      save.type = "submit";
      save.textContent = "Save";
      const error = document.createElement("p");
      error.className = "form-error";
      error.hidden = true;
      form.append(area, save, error);
      shown.replaceWith(form);
      area.focus();
      form.addEventListener("submit", async (ev) => {
        ev.preventDefault();
        const result = await call("PATCH", `/messages/${id}`, { body: area.value });
        if (result.response.ok) replace(result.data.message);
        else failed(form, result.response, result.data);
      });
    }
  });

  $("open-direct")?.addEventListener("submit", async (e) => {
    e.preventDefault();
    const form = e.target;
    const { response, data } = await call("POST", "/direct", { userId: form.userId.value });
    if (response.ok) location.href = location.pathname + "?channel=" + data.channel.id;
    else failed(form, response, data);
  });

  $("search")?.addEventListener("submit", async (e) => {
    e.preventDefault();
    const q = e.target.q.value.trim();
    const results = $("search-results");
    if (!q) {
      results.hidden = true;
      return;
    }
    const { response, data } = await call("GET", "/search?q=" + encodeURIComponent(q));
    results.replaceChildren();
    const heading = document.createElement("h3");
    results.append(heading);
    if (!response.ok) {
      heading.textContent = data?.error?.message || "Search failed";
    } else {
      heading.textContent = data.items.length === 0 ? "No messages match." : `${data.items.length} found`;
      const list = document.createElement("ol");
      list.className = "messages";
      for (const hit of data.items) {
        const li = render(hit.message);
        li.querySelector(".message-actions")?.remove();
        const where = document.createElement("a");
        where.href = "?channel=" + hit.message.channelId;
        where.className = "small";
        where.textContent = hit.channelName ? "# " + hit.channelName : "direct message";
        li.prepend(where);
        list.append(li);
      }
      results.append(list);
    }
    results.hidden = false;
  });

  $("older-messages")?.addEventListener("click", async (e) => {
    const oldest = messages.querySelector("[data-message]")?.dataset.message;
    const { response, data } = await call("GET", `/channels/${current}/messages?before=${oldest}`);
    if (!response.ok) return;
    for (const m of data.items) place(messages, m, false);
    if (!data.nextCursor) e.target.remove();
  });

  // Server-rendered messages get their actions and reaction buttons from the same code.
  for (const li of messages?.querySelectorAll("[data-message]") || []) {
    if (li.classList.contains("deleted")) continue;
    li.querySelector(".reactions").replaceWith(reactionsOf({ reactions: JSON.parse(li.dataset.reactions || "[]") }));
    li.append(actionsFor({ id: li.dataset.message, authorId: li.dataset.author, parentId: null }));
  }
  if (messages) messages.lastElementChild?.scrollIntoView({ block: "end" });
  document.addEventListener("visibilitychange", markRead);
  markRead();
  connect();
})();
