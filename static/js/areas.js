// Area pages: folding the tree and drawing an area's boundary. In a file, never inline: the content
// security policy forbids inline scripts.

// The first click on an expand button loads the rows below through htmx (hx-trigger="click once");
// later clicks only fold and unfold them.
document.addEventListener("click", (event) => {
  const button = event.target.closest(".area-toggle");
  if (!button) {
    return;
  }
  const rows = document.getElementById(button.getAttribute("aria-controls"));
  const expanded = button.getAttribute("aria-expanded") === "true";
  button.setAttribute("aria-expanded", String(!expanded));
  if (rows && button.dataset.loaded) {
    rows.hidden = expanded;
  }
  button.dataset.loaded = "true";
});

// The boundary comes as GeoJSON in a <script type="application/json"> block named by data-area-map.
function drawBoundary(container) {
  const source = document.getElementById(container.dataset.areaMap);
  if (!source || typeof echarts === "undefined") {
    return;
  }
  const mapName = `area-${container.dataset.areaMap}`;
  echarts.registerMap(mapName, JSON.parse(source.textContent));
  const chart = echarts.init(container);
  chart.setOption({
    animation: false,
    series: [
      {
        type: "map",
        map: mapName,
        roam: true,
        selectedMode: false,
        label: { show: true, color: "#8c1d18" },
        itemStyle: { areaColor: "#fbe9e7", borderColor: "#b3261e", borderWidth: 2 },
        emphasis: { label: { color: "#8c1d18" }, itemStyle: { areaColor: "#f8d7d3" } },
      },
    ],
  });
  window.addEventListener("resize", () => chart.resize());
}

document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("[data-area-map]").forEach(drawBoundary);
});
