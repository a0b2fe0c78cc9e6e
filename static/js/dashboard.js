// The command dashboard: draws the payload the page embeds, then fetches it again from the API every
// minute and whenever the period or the map figure changes. In a file, never inline: the content security
// policy forbids inline scripts. Every word shown comes from the page (#dashboard-strings) or the payload.

(() => {
  const REFRESH_MS = 60 * 1000;
  const GOOD = "#2e7d32";
  const MIDDLE = "#f9a825";
  const BAD = "#c62828";
  const NO_DATA = "#e9ecef";
  const TREND_COLOURS = {
    created: "#1565c0",
    resolved: "#2e7d32",
    closed: "#6a1b9a",
    overdue: "#ef6c00",
    escalated: "#c62828",
    visits: "#00838f",
  };

  const root = document.querySelector("[data-dashboard]");
  if (!root) {
    return;
  }
  const readJson = (id) => JSON.parse(document.getElementById(id).textContent);
  const strings = readJson("dashboard-strings");
  const boundaries = readJson("dashboard-boundaries");
  let payload = readJson("dashboard-payload");
  const charts = {};
  const sorting = {};
  let timer = null;
  let pending = null;

  const rateText = (rate) => (rate.value === null ? "—" : `${rate.value}%`);

  function query() {
    const checked = root.querySelector("input[name=days]:checked");
    const figure = root.querySelector("select[name=figure]");
    const params = new URLSearchParams();
    params.set("days", checked ? checked.value : String(payload.period.days));
    params.set("figure", figure ? figure.value : payload.figure.name);
    return params;
  }

  function withQuery(url) {
    return `${url}?${query().toString()}`;
  }

  function chart(name) {
    const container = root.querySelector(`[data-chart=${name}]`);
    if (!container || typeof echarts === "undefined") {
      return null;
    }
    if (!charts[name]) {
      charts[name] = echarts.init(container);
    }
    return charts[name];
  }

  // Tiles and the time of the figures.

  function drawTiles() {
    root.querySelectorAll("[data-tile]").forEach((tile) => {
      const figure = payload.tiles[tile.dataset.tile];
      const value = tile.querySelector("[data-value]");
      if (typeof figure === "number") {
        value.textContent = String(figure);
        return;
      }
      value.textContent = rateText(figure);
      tile.querySelector("[data-detail]").textContent = `${figure.numerator} / ${figure.denominator}`;
    });
    const refreshed = root.querySelector("[data-refreshed-at]");
    refreshed.textContent = payload.refreshed_at
      ? payload.refreshed_at.slice(0, 16).replace("T", " ")
      : "—";
    const counted = root.querySelector("[data-counted-at]");
    counted.textContent = payload.counted_at ? payload.counted_at.slice(11, 16) : "—";
    const waiting = root.querySelector("[data-testid=no-figures]");
    if (waiting) {
      waiting.hidden = Boolean(payload.refreshed_at);
    }
  }

  // Charts.

  function drawTrend() {
    const trend = chart("trend");
    if (!trend) {
      return;
    }
    const measures = ["created", "resolved", "closed", "overdue", "escalated", "visits"];
    const long = payload.trend.length > 90;
    trend.setOption(
      {
        animation: false,
        color: measures.map((name) => TREND_COLOURS[name]),
        tooltip: { trigger: "axis" },
        legend: { type: "scroll", top: 0, data: measures.map((name) => strings[name]) },
        grid: { left: 40, right: 40, top: 40, bottom: 30 },
        xAxis: { type: "category", data: payload.trend.map((day) => day.day.slice(5)) },
        yAxis: [
          { type: "value", minInterval: 1 },
          { type: "value", minInterval: 1, splitLine: { show: false } },
        ],
        series: measures.map((name) => ({
          name: strings[name],
          type: name === "created" ? "bar" : "line",
          yAxisIndex: name === "visits" ? 1 : 0,
          showSymbol: !long,
          data: payload.trend.map((day) => day[name]),
        })),
      },
      true,
    );
  }

  function drawCategories() {
    const categories = chart("categories");
    const empty = root.querySelector("[data-empty=categories]");
    const rows = payload.categories;
    if (empty) {
      empty.hidden = rows.length > 0;
    }
    if (!categories) {
      return;
    }
    const names = rows.map((row) => row.name).reverse();
    categories.setOption(
      {
        animation: false,
        tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
        legend: { type: "scroll", top: 0, data: [strings.created, strings.resolved, strings.overdue] },
        grid: { left: 10, right: 20, top: 40, bottom: 20, containLabel: true },
        xAxis: { type: "value", minInterval: 1 },
        yAxis: { type: "category", data: names },
        series: [
          ["created", "#1565c0"],
          ["resolved", "#2e7d32"],
          ["overdue", "#ef6c00"],
        ].map(([name, colour]) => ({
          name: strings[name],
          type: "bar",
          color: colour,
          data: rows.map((row) => row[name]).reverse(),
        })),
      },
      true,
    );
  }

  function drawMap() {
    const map = chart("map");
    if (!map || !boundaries.features.length) {
      return;
    }
    const mapName = `dashboard-${payload.area.id}`;
    if (!echarts.getMap(mapName)) {
      echarts.registerMap(mapName, boundaries);
    }
    const byId = Object.fromEntries(payload.children.map((child) => [String(child.id), child]));
    const values = payload.children.map((child) => child.value).filter((value) => value !== null);
    const figure = payload.figure;
    // The colours spread over the children's own range, so that the best and the worst stand out; the
    // range must not be empty (ECharts paints every area, even those without data, in the middle colour
    // when min equals max).
    const step = figure.kind === "rate" ? 10 : 1;
    let low = values.length ? Math.floor(Math.min(...values)) : 0;
    let high = values.length ? Math.ceil(Math.max(...values)) : step;
    if (high <= low) {
      low = Math.max(0, low - step);
    }
    if (high <= low) {
      high = low + step;
    }
    const colours = figure.better === "high" ? [BAD, MIDDLE, GOOD] : [GOOD, MIDDLE, BAD];
    const show = (value) => {
      if (value === null || value === undefined || Number.isNaN(value)) {
        return "—";
      }
      return figure.kind === "rate" ? `${value}%` : String(value);
    };
    map.setOption(
      {
        animation: false,
        tooltip: {
          trigger: "item",
          formatter: (params) => {
            const child = byId[params.name];
            return child ? `${child.name}<br>${figure.label}: ${show(child.value)}` : "";
          },
        },
        visualMap: {
          min: low,
          max: high,
          calculable: false,
          orient: "horizontal",
          left: "center",
          bottom: 0,
          itemHeight: 120,
          inRange: { color: colours },
          text: [show(high), show(low)],
        },
        series: [
          {
            type: "map",
            map: mapName,
            roam: true,
            layoutCenter: ["50%", "45%"],
            layoutSize: "85%",
            selectedMode: false,
            label: {
              show: true,
              formatter: (params) => (byId[params.name] ? byId[params.name].name : ""),
              color: "#212529",
            },
            itemStyle: { areaColor: NO_DATA, borderColor: "#495057", borderWidth: 1 },
            emphasis: { label: { color: "#000" }, itemStyle: { borderWidth: 2 } },
            data: payload.children
              .filter((child) => child.value !== null)
              .map((child) => ({ name: String(child.id), value: child.value })),
          },
        ],
      },
      true,
    );
  }

  // Tables: the cells follow the columns of the head, so that a column's classes (hidden on a phone …)
  // and its figure are written once, in the template.

  function cellValue(row, key) {
    if (key === "name") {
      return row.name;
    }
    if (row.rates[key]) {
      return row.rates[key].value;
    }
    return row.figures[key];
  }

  function sortRows(table, rows) {
    const order = sorting[table.dataset.table];
    if (!order) {
      return rows;
    }
    const direction = order.descending ? -1 : 1;
    return [...rows].sort((a, b) => {
      const x = cellValue(a, order.key);
      const y = cellValue(b, order.key);
      if (x === y) {
        return 0;
      }
      if (x === null) {
        return 1;
      }
      if (y === null) {
        return -1;
      }
      return (typeof x === "string" ? x.localeCompare(y) : x - y) * direction;
    });
  }

  function drawTable(name, rows, emptyText) {
    const table = root.querySelector(`[data-table=${name}]`);
    if (!table) {
      return;
    }
    const heads = [...table.querySelectorAll("thead th")];
    const body = document.createElement("tbody");
    sortRows(table, rows).forEach((row) => {
      const line = document.createElement("tr");
      if (name === "children") {
        line.dataset.area = String(row.id);
      }
      heads.forEach((head) => {
        const cell = document.createElement("td");
        cell.className = head.className;
        const key = head.dataset.sort;
        if (key === "name" && row.url) {
          const link = document.createElement("a");
          link.href = row.url;
          link.dataset.drill = "";
          link.dataset.testid = "child-link";
          link.textContent = row.name;
          cell.append(link);
        } else if (key !== "name" && row.rates[key]) {
          cell.textContent = rateText(row.rates[key]);
          cell.title = `${row.rates[key].numerator} / ${row.rates[key].denominator}`;
        } else {
          cell.textContent = String(cellValue(row, key));
        }
        line.append(cell);
      });
      body.append(line);
    });
    if (!rows.length) {
      const line = document.createElement("tr");
      const cell = document.createElement("td");
      cell.colSpan = heads.length;
      cell.className = "text-body-secondary";
      cell.textContent = emptyText;
      line.append(cell);
      body.append(line);
    }
    table.querySelector("tbody").replaceWith(body);
    heads.forEach((head) => {
      const order = sorting[name];
      const sorted = order && order.key === head.dataset.sort;
      head.setAttribute("aria-sort", sorted ? (order.descending ? "descending" : "ascending") : "none");
    });
  }

  function drawFeed() {
    const list = root.querySelector("[data-feed]");
    if (!list) {
      return;
    }
    const items = payload.feed.map((item) => {
      const entry = document.createElement("li");
      entry.className = "list-group-item";
      entry.dataset.testid = "feed-item";
      const top = document.createElement("div");
      top.className = "d-flex justify-content-between gap-2";
      const link = document.createElement("a");
      link.href = item.case.url;
      link.className = "fw-semibold";
      link.textContent = `${item.case.serial} ${item.case.title}`;
      const when = document.createElement("span");
      when.className = "text-body-secondary text-nowrap";
      when.textContent = `${item.at.slice(5, 10)} ${item.at.slice(11, 16)}`;
      top.append(link, when);
      const text = document.createElement("div");
      const badge = document.createElement("span");
      badge.className = `badge ${item.kind === "red_card" ? "text-bg-danger" : "text-bg-warning"}`;
      badge.textContent = strings[item.kind];
      text.append(badge, ` ${item.text}`);
      entry.append(top, text);
      return entry;
    });
    if (!items.length) {
      const entry = document.createElement("li");
      entry.className = "list-group-item text-body-secondary";
      entry.textContent = strings.noFeed;
      items.push(entry);
    }
    list.replaceChildren(...items);
  }

  function draw() {
    drawTiles();
    drawTrend();
    drawCategories();
    drawMap();
    drawTable("children", payload.children, strings.noChildren);
    drawTable("departments", payload.departments, strings.noDepartments);
    drawFeed();
    const label = root.querySelector("[data-figure-label]");
    if (label) {
      label.textContent = payload.figure.label;
    }
    root.dataset.loadedDays = String(payload.period.days);
    root.dataset.loadedFigure = payload.figure.name;
  }

  // Fetching.

  function status(text) {
    root.querySelector("[data-status]").textContent = text;
  }

  async function refresh() {
    if (pending) {
      pending.abort();
    }
    pending = new AbortController();
    const params = query();
    try {
      const response = await fetch(`${root.dataset.apiUrl}?${params.toString()}`, {
        credentials: "same-origin",
        // The API speaks the browser's Accept-Language; the figures' labels must follow the page's.
        headers: { Accept: "application/json", "Accept-Language": document.documentElement.lang || "zh-hans" },
        signal: pending.signal,
      });
      if (!response.ok) {
        throw new Error(String(response.status));
      }
      payload = await response.json();
      status("");
      draw();
    } catch (error) {
      if (error.name !== "AbortError") {
        status(strings.refreshFailed);
      }
    }
  }

  function schedule() {
    clearTimeout(timer);
    timer = setTimeout(async () => {
      await refresh();
      schedule();
    }, REFRESH_MS);
  }

  root.querySelector("[data-controls]").addEventListener("change", () => {
    history.replaceState(null, "", withQuery(window.location.pathname));
    refresh();
    schedule();
  });

  root.querySelectorAll("thead th[data-sort]").forEach((head) => {
    head.tabIndex = 0;
    head.classList.add("dashboard-sortable");
    const sort = () => {
      const name = head.closest("table").dataset.table;
      const previous = sorting[name];
      const key = head.dataset.sort;
      // Names sort A to Z first, figures largest first.
      const descending = previous && previous.key === key ? !previous.descending : key !== "name";
      sorting[name] = { key, descending };
      draw();
    };
    head.addEventListener("click", sort);
    head.addEventListener("keydown", (event) => {
      if (event.key === "Enter" || event.key === " ") {
        event.preventDefault();
        sort();
      }
    });
  });

  // Drilling down (or back up) keeps the period and the map figure.
  root.addEventListener("click", (event) => {
    const link = event.target.closest("a[data-drill]");
    if (!link || event.ctrlKey || event.metaKey || event.shiftKey) {
      return;
    }
    event.preventDefault();
    window.location.assign(withQuery(link.getAttribute("href")));
  });

  document.addEventListener("DOMContentLoaded", () => {
    draw();
    const map = charts.map;
    if (map) {
      map.on("click", (params) => {
        const child = payload.children.find((entry) => String(entry.id) === params.name);
        if (child && child.url) {
          window.location.assign(withQuery(child.url));
        }
      });
    }
    // A container without a size (a page being printed, captured or left) would give the map a singular
    // transform, which ECharts cannot invert: such resizes are skipped.
    window.addEventListener("resize", () =>
      Object.values(charts).forEach((item) => {
        const container = item.getDom();
        if (container.clientWidth > 0 && container.clientHeight > 0) {
          item.resize();
        }
      }),
    );
    schedule();
  });
})();
