// Draws the team dashboard from /api/dashboard/{team}. Text goes through textContent only; every chart
// also has a table with its numbers, for screen readers and for anyone who wants the exact values.
(() => {
  const team = decodeURIComponent(location.pathname.split("/").filter(Boolean).pop());
  const el = (tag, text, className) => {
    const node = document.createElement(tag);
    if (text !== undefined && text !== null) node.textContent = String(text);
    if (className) node.className = className;
    return node;
  };
  const percent = (share) => Math.round(share * 100) + "%";
  const charts = {};

  function table(id, headers, rows) {
    const target = document.getElementById(id);
    target.replaceChildren();
    const head = el("tr");
    headers.forEach((h, i) => head.append(el("th", h, i > 0 ? "num" : "")));
    target.append(head);
    for (const row of rows) {
      const tr = el("tr");
      row.forEach((cell, i) => tr.append(el("td", cell, i > 0 ? "num" : "")));
      target.append(tr);
    }
  }

  function chart(id, config) {
    charts[id]?.destroy();
    charts[id] = new Chart(document.getElementById(id), config);
  }

  const axes = (extra) => ({ responsive: true, maintainAspectRatio: false, animation: false,
    plugins: { legend: { position: "bottom" } }, scales: { y: { beginAtZero: true, ticks: { precision: 0 } }, ...extra } });

  function network(model) {
    const svg = document.getElementById("network");
    svg.replaceChildren();
    const ns = "http://www.w3.org/2000/svg";
    const make = (tag, attributes) => {
      const node = document.createElementNS(ns, tag);
      for (const [k, v] of Object.entries(attributes)) node.setAttribute(k, v);
      return node;
    };
    const defs = make("defs", {});
    const marker = make("marker", { id: "arrow", viewBox: "0 0 10 10", refX: "18", refY: "5", markerWidth: "6", markerHeight: "6", orient: "auto-start-reverse" });
    marker.append(make("path", { d: "M 0 0 L 10 5 L 0 10 z", fill: "#868e96" }));
    defs.append(marker);
    svg.append(defs);
    const people = model.people.filter((p) => model.recognition.some((e) => e.from === p.id || e.to === p.id));
    if (people.length === 0) {
      const text = make("text", { x: "210", y: "160", "text-anchor": "middle" });
      text.textContent = "No kudos in these 12 weeks yet.";
      svg.append(text);
      return;
    }
    const position = {};
    people.forEach((p, i) => {
      const angle = (2 * Math.PI * i) / people.length - Math.PI / 2;
      position[p.id] = { x: 210 + 130 * Math.cos(angle), y: 160 + 120 * Math.sin(angle) };
    });
    for (const edge of model.recognition) {
      const a = position[edge.from], b = position[edge.to];
      const line = make("line", { x1: a.x, y1: a.y, x2: b.x, y2: b.y, stroke: "#868e96", "stroke-width": String(1 + Math.min(edge.count, 6)), "marker-end": "url(#arrow)", opacity: "0.7" });
      const title = make("title", {});
      title.textContent = `${model.people.find((p) => p.id === edge.from).name} → ${model.people.find((p) => p.id === edge.to).name}: ${edge.count}`;
      line.append(title);
      svg.append(line);
    }
    for (const person of people) {
      const { x, y } = position[person.id];
      svg.append(make("circle", { cx: x, cy: y, r: "10", fill: "#3b5bdb" }));
      const label = make("text", { x, y: y + 24, "text-anchor": "middle" });
      label.textContent = person.name;
      svg.append(label);
    }
  }

  function render(model) {
    document.getElementById("team-name").textContent = model.team.replace(/^playground:/, "");
    const weeks = model.weeks;
    const labels = weeks.map((w) => w.week.slice(5));
    const last = weeks[weeks.length - 1];
    const asked = weeks.reduce((s, w) => s + w.questions, 0);
    const answered = weeks.reduce((s, w) => s + w.questionsAnswered, 0);
    document.getElementById("kpi-participation").textContent = percent(last.participationRate);
    document.getElementById("kpi-learnings").textContent = weeks.reduce((s, w) => s + w.learnings, 0);
    document.getElementById("kpi-spread").textContent = percent(model.recognitionSpread);
    document.getElementById("kpi-answered").textContent = asked === 0 ? "–" : percent(answered / asked);

    chart("chart-learnings", { type: "bar", data: { labels, datasets: [
      { type: "bar", label: "Learnings", data: weeks.map((w) => w.learnings), backgroundColor: "#3b5bdb", yAxisID: "y" },
      { type: "line", label: "Participation %", data: weeks.map((w) => Math.round(w.participationRate * 100)), borderColor: "#e8590c", backgroundColor: "#e8590c", yAxisID: "rate" },
    ] }, options: axes({ rate: { position: "right", beginAtZero: true, max: 100, ticks: { callback: (v) => v + "%" }, grid: { drawOnChartArea: false } } }) });
    table("table-learnings", ["Week of", "Learnings", "People", "Participation", "Minutes"],
      weeks.map((w) => [w.week, w.learnings, w.participants, percent(w.participationRate), w.minutesLogged]));

    chart("chart-kudos", { type: "bar", data: { labels, datasets: [{ label: "Kudos given", data: weeks.map((w) => w.kudosGiven), backgroundColor: "#e8590c" }] }, options: axes() });
    table("table-kudos", ["Week of", "Kudos"], weeks.map((w) => [w.week, w.kudosGiven]));

    network(model);
    const name = (id) => model.people.find((p) => p.id === id).name;
    table("table-network", ["From → to", "Kudos"], model.recognition.map((e) => [`${name(e.from)} → ${name(e.to)}`, e.count]));

    chart("chart-knowledge", { type: "bar", data: { labels, datasets: [
      { label: "Shared answers", data: weeks.map((w) => w.sharedAnswers), backgroundColor: "#2b8a3e" },
      { label: "Questions asked", data: weeks.map((w) => w.questions), backgroundColor: "#adb5bd" },
      { label: "Questions answered", data: weeks.map((w) => w.questionsAnswered), backgroundColor: "#0c8599" },
    ] }, options: axes() });
    table("table-knowledge", ["Week of", "Shared answers", "Questions", "Answered"], weeks.map((w) => [w.week, w.sharedAnswers, w.questions, w.questionsAnswered]));

    chart("chart-prompts", { type: "line", data: { labels, datasets: [{ label: "Prompt answers", data: weeks.map((w) => w.promptAnswers), borderColor: "#7048e8", backgroundColor: "#7048e8" }] }, options: axes() });
    table("table-prompts", ["Week of", "Answers"], weeks.map((w) => [w.week, w.promptAnswers]));

    const unanswered = document.getElementById("unanswered");
    unanswered.replaceChildren(...(model.unansweredTopics.length === 0
      ? [el("li", "Every question found an answer.", "empty")]
      : model.unansweredTopics.map((t) => el("li", `${t.label} (asked ${t.count}×)`))));
    table("table-tags", ["Topic", "Mentions", "Who knows"], model.topTagsThisMonth.map((t) => ["#" + t.tag, t.count, t.whoKnows ?? "—"]));
  }

  async function load() {
    const main = document.getElementById("dashboard");
    main.setAttribute("aria-busy", "true");
    const names = document.getElementById("show-names").checked;
    const response = await fetch(`/api/dashboard/${encodeURIComponent(team)}?names=${names}`);
    if (!response.ok) {
      main.replaceChildren(el("p", response.status === 403 ? "This dashboard belongs to another team." : "Please sign in through LearningBot.", "empty"));
      return;
    }
    render(await response.json());
    main.setAttribute("aria-busy", "false");
  }

  document.getElementById("show-names").addEventListener("change", load);
  load();
})();
