// Renders the bot's platform-neutral reply blocks. Every piece of text goes through textContent
// (never innerHTML), so nothing a user typed can become HTML.
(() => {
  const log = document.getElementById("log");
  const text = document.getElementById("text");
  const team = document.getElementById("team");
  const user = document.getElementById("user");
  const admin = document.getElementById("admin");

  const el = (tag, className, content) => {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (content !== undefined) node.textContent = content;
    return node;
  };

  // A stable colour per name, so each "person" in the playground is easy to tell apart.
  const palette = ["#3b5bdb", "#0c8599", "#d6336c", "#5f3dc4", "#2b8a3e", "#c2410c", "#1864ab", "#9c36b5"];
  const colourFor = (name) => {
    let hash = 0;
    for (const ch of name) hash = (hash * 31 + ch.codePointAt(0)) >>> 0;
    return palette[hash % palette.length];
  };

  function avatar(name, bot) {
    const node = el("span", bot ? "avatar bot" : "avatar", bot ? "LB" : (Array.from(name)[0] || "?").toUpperCase());
    node.setAttribute("aria-hidden", "true");
    if (!bot) node.style.background = colourFor(name);
    return node;
  }

  function renderReply(reply, redelivery) {
    const card = el("article", "card " + reply.kind.toLowerCase());
    card.dataset.kind = reply.kind;
    const channel = reply.audience === "channel";
    const top = el("div", "card-top");
    top.append(el("span", "badge " + (channel ? "channel" : "requester"), channel ? "Posted to the channel" : "Only visible to you"));
    if (redelivery) top.append(el("span", "badge redelivery", "Redelivery: nothing new stored"));
    card.append(top);
    // A button that asks for text ("Edit") puts its command and the current text in the message box to change and send.
    return LearningBotReplies.renderBlocks(card, reply.blocks, (action) => action.asksFor
      ? (text.value = action.command + " " + action.asksFor.initialText, text.focus())
      : send(action.command, "Pressed “" + action.label + "”"));
  }

  function renderDirectMessage(dm) {
    const box = el("aside", "dm");
    const title = el("p", "dm-title");
    title.append(document.createTextNode("Direct message to "), el("span", "mention", "@" + dm.to));
    box.append(title);
    return LearningBotReplies.renderBlocks(box, dm.reply.blocks);
  }

  function addMessage(who, kind, body) {
    const msg = el("div", "msg " + kind);
    msg.append(avatar(who, kind === "bot"));
    const main = el("div", "msg-main");
    const meta = el("div", "msg-meta");
    meta.append(el("span", "who", who));
    if (kind === "bot") meta.append(el("span", "app-tag", "App"));
    const now = new Date();
    const time = el("time", "when", now.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" }));
    time.dateTime = now.toISOString();
    meta.append(time);
    main.append(meta, typeof body === "string" ? el("div", "body", body) : body);
    msg.append(main);
    log.append(msg);
    log.scrollTop = log.scrollHeight;
    return main;
  }

  const errorReply = (message) => ({
    kind: "error", audience: "requester",
    blocks: [{ type: "text", text: { spans: [{ type: "plain", text: message }] } }],
  });

  // Replying in the thread of a bot post (a standing-meeting prompt) instead of sending a command.
  let thread = null;
  const threadBar = document.getElementById("thread-bar");
  function replyInThread(post) {
    thread = post;
    threadBar.hidden = false;
    document.getElementById("thread-label").textContent = "Replying in the thread of “" + post.text.split("\n")[1] + "”";
    text.placeholder = "Your answer — e.g. feature flags beat long-lived branches #delivery";
    text.focus();
  }
  function leaveThread() {
    thread = null;
    threadBar.hidden = true;
    text.placeholder = text.dataset.placeholder;
  }
  document.getElementById("thread-cancel").addEventListener("click", leaveThread);

  // Posts the bot makes on its own (prompts, digests, nudges) arrive through the feed.
  let lastSequence = 0;
  async function pollFeed() {
    try {
      const response = await fetch(`/api/playground/feed?team=${encodeURIComponent(team.value.trim())}&after=${lastSequence}`);
      if (!response.ok) return;
      for (const post of await response.json()) {
        lastSequence = Math.max(lastSequence, post.sequence);
        const card = renderReply(post.reply);
        card.querySelector(".card-top").append(el("span", "badge scheduled",
          post.to ? `Direct message to @${post.to}` : post.threadId ? "Scheduled · in thread" : "Scheduled post"));
        const main = addMessage("LearningBot", "bot", card);
        if (post.reply.kind === "prompt") {
          const button = el("button", "thread-button", "Reply in thread");
          button.type = "button";
          button.addEventListener("click", () => replyInThread(post));
          main.append(button);
        }
      }
    } catch {
      // The next poll tries again.
    }
  }
  setInterval(pollFeed, 3000);
  team.addEventListener("change", () => { lastSequence = 0; leaveThread(); });

  async function send(command, pressed, newPeople) {
    const from = user.value.trim() || "you";
    const threadId = thread ? thread.id : null;
    addMessage(from, "user", pressed ? el("div", "body clicked", pressed) : (threadId ? "↳ " + command : command));
    log.setAttribute("aria-busy", "true");
    try {
      const response = await fetch("/api/playground", {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ team: team.value.trim(), user: user.value.trim(), text: command, admin: admin.checked, threadId, newPeople }),
      });
      const body = await response.json().catch(() => ({}));
      if (!response.ok) {
        const problems = body.errors ? Object.values(body.errors).flat().join(" ") : (body.title || `Request failed (${response.status})`);
        addMessage("LearningBot", "bot", renderReply(errorReply(problems)));
        return;
      }
      const main = addMessage("LearningBot", "bot", renderReply(body.reply, body.redelivery));
      for (const dm of body.directMessages) main.append(renderDirectMessage(dm));
      if (body.unknownPeople && body.unknownPeople.length > 0) {
        // A name the team has never seen: confirm it is a new person (not a typo) before anything is stored.
        const names = body.unknownPeople.map((name) => "@" + name).join(", ");
        const confirm = el("button", "confirm-new", `Yes, ${names} ${body.unknownPeople.length === 1 ? "is" : "are"} new here`);
        confirm.type = "button";
        confirm.addEventListener("click", () => { confirm.disabled = true; send(command, "Confirmed " + names + " as new", body.unknownPeople); });
        main.append(confirm);
      }
      log.scrollTop = log.scrollHeight;
      if (threadId) leaveThread();
      setTimeout(pollFeed, 500);
    } catch (error) {
      addMessage("LearningBot", "bot", renderReply(errorReply("Couldn't reach the bot: " + error.message)));
    } finally {
      log.removeAttribute("aria-busy");
    }
  }

  function showIdentity() {
    document.getElementById("channel-name").textContent = team.value.trim() || "team";
    document.getElementById("who-am-i").textContent = "@" + (user.value.trim() || "you");
  }
  team.addEventListener("input", showIdentity);
  user.addEventListener("input", showIdentity);
  showIdentity();

  // Enter in the identity fields moves on to the message box instead of reloading the page.
  document.getElementById("identity").addEventListener("submit", (event) => { event.preventDefault(); text.focus(); });
  document.getElementById("composer").addEventListener("submit", (event) => {
    event.preventDefault();
    const command = text.value;
    if (!command.trim()) return;
    text.value = "";
    send(command);
  });
  for (const button of document.querySelectorAll("#examples button")) {
    button.addEventListener("click", () => { text.value = button.dataset.command; text.focus(); });
  }
})();
