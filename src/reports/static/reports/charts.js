// Draws each dashboard chart from the JSON beside it; the table under it holds the same figures.
document.querySelectorAll("canvas[data-chart]").forEach((canvas) => {
  const spec = JSON.parse(document.getElementById(canvas.dataset.chart).textContent);
  const round = spec.type === "doughnut";
  new Chart(canvas, {
    type: spec.type,
    data: { labels: spec.labels, datasets: spec.datasets },
    options: {
      animation: false, // officers compare figures; motion only delays them
      scales: round
        ? {}
        : { x: { stacked: spec.stacked }, y: { stacked: spec.stacked, beginAtZero: true } },
    },
  });
});
