// Renders the bot's platform-neutral reply blocks. Every piece of text goes through textContent,
// so nothing a user typed can become HTML.
(() => {
  const log = document.getElementById("log");
  const text = document.getElementById("text");
  const el = (tag, className, content) => {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (content !== undefined) node.textContent = content;
    return node;
  };

  function renderRichText(parent, rich) {
    for (const span of rich.spans) {
      if (span.type === "strong") parent.append(el("strong", null, span.text));
      else if (span.type === "mention") parent.append(el("span", "mention", "@" + span.displayName));
      else if (span.type === "code") parent.append(el("code", null, span.text));
      else parent.append(document.createTextNode(span.text));
    }
    return parent;
  }

  function renderReply(reply) {
    const card = el("div", "card " + reply.kind.toLowerCase());
    card.dataset.kind = reply.kind;
    card.append(el("div", "badge", reply.audience === "channel" ? "posted to the channel" : "only visible to you"));
    for (const block of reply.blocks) {
      switch (block.type) {
        case "heading": card.append(el("h3", null, block.text)); break;
        case "text": card.append(renderRichText(el("p"), block.text)); break;
        case "note": card.append(renderRichText(el("p", "note"), block.text)); break;
        case "list": {
          const ul = el("ul");
          for (const item of block.items) {
            const li = renderRichText(el("li"), item.text);
            if (item.meta) li.append(el("span", "meta", item.meta));
            ul.append(li);
          }
          card.append(ul);
          break;
        }
        case "facts": {
          const dl = el("dl");
          for (const fact of block.facts) { dl.append(el("dt", null, fact.label), el("dd", null, fact.value)); }
          card.append(dl);
          break;
        }
        case "actions": {
          const row = el("div", "actions");
          for (const action of block.actions) {
            const button = el("button", null, action.label);
            button.type = "button";
            button.addEventListener("click", () => send(action.command));
            row.append(button);
          }
          card.append(row);
          break;
        }
      }
    }
    return card;
  }

  function addMessage(who, className, body) {
    const msg = el("div", "msg " + className);
    msg.append(el("span", "who", who), el("span", "when", new Date().toLocaleTimeString()));
    const content = typeof body === "string" ? el("div", "body", body) : body;
    msg.append(content);
    log.append(msg);
    log.scrollTop = log.scrollHeight;
    return msg;
  }

  async function send(command) {
    const team = document.getElementById("team").value.trim();
    const user = document.getElementById("user").value.trim();
    const admin = document.getElementById("admin").checked;
    addMessage(user || "you", "user", command);
    try {
      const response = await fetch("/api/playground", {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ team, user, text: command, admin }),
      });
      const body = await response.json();
      if (!response.ok) {
        const problems = body.errors ? Object.values(body.errors).flat().join(" ") : (body.title || "Request failed");
        addMessage("LearningBot", "bot", renderReply({ kind: "Error", audience: "requester", blocks: [{ type: "text", text: { spans: [{ type: "plain", text: problems }] } }] }));
        return;
      }
      const msg = addMessage("LearningBot", "bot", renderReply(body.reply));
      for (const dm of body.directMessages) msg.append(el("div", "dm", `✉️ DM to @${dm.to}: ${dm.text}`));
    } catch (error) {
      addMessage("LearningBot", "bot", "Couldn't reach the bot: " + error.message);
    }
  }

  document.getElementById("composer").addEventListener("submit", (event) => {
    event.preventDefault();
    const command = text.value;
    if (!command.trim()) return;
    text.value = "";
    send(command);
  });
  for (const button of document.querySelectorAll("#examples button")) {
    button.addEventListener("click", () => { text.value = button.textContent; text.focus(); });
  }
})();
