// A small bar chart of orders per minute, drawn as SVG by the page itself.

const svgNs = 'http://www.w3.org/2000/svg';
const minutes = 30;
const height = 140;
const clock = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });

function svg(tag, attributes, text) {
  const node = document.createElementNS(svgNs, tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, String(value));
  if (text !== undefined) node.textContent = text;
  return node;
}

/**
 * Orders per minute for the last `minutes` minutes, oldest first, the last bucket being the current minute, from the
 * service's perMinute ([{ minute, count }], only the minutes that had orders).
 */
export function bucketize(perMinute, now = Date.now()) {
  const currentMinute = Math.floor(now / 60_000);
  const counts = new Array(minutes).fill(0);
  for (const entry of perMinute) {
    const age = currentMinute - Math.floor(Date.parse(entry.minute) / 60_000);
    if (age >= 0 && age < minutes) counts[minutes - 1 - age] += Number(entry.count) || 0;
  }
  return { counts, firstMinute: currentMinute - minutes + 1 };
}

export function drawChart(svgElement, summaryElement, perMinute, now = Date.now()) {
  // Drawn at the size it is shown, so its text stays readable on a phone as on a desktop.
  const width = Math.max(240, Math.round(svgElement.getBoundingClientRect().width) || 600);
  const plot = { left: 34, right: width - 6, top: 12, bottom: height - 24 };
  svgElement.setAttribute('viewBox', `0 0 ${width} ${height}`);
  const { counts, firstMinute } = bucketize(perMinute, now);
  const peak = Math.max(1, ...counts);
  const step = (plot.right - plot.left) / minutes;
  const y = (value) => plot.bottom - (value / peak) * (plot.bottom - plot.top);

  const nodes = [
    svg('line', { x1: plot.left, x2: plot.right, y1: plot.bottom, y2: plot.bottom, class: 'axis' }),
    svg('line', { x1: plot.left, x2: plot.right, y1: plot.top, y2: plot.top, class: 'grid' }),
    svg('text', { x: plot.left - 6, y: plot.top + 4, 'text-anchor': 'end', class: 'label' }, String(peak)),
    svg('text', { x: plot.left - 6, y: plot.bottom, 'text-anchor': 'end', class: 'label' }, '0'),
  ];

  counts.forEach((count, index) => {
    const top = y(count);
    const bar = svg('rect', {
      x: (plot.left + index * step + 1).toFixed(1),
      y: top.toFixed(1),
      width: Math.max(1, step - 2).toFixed(1),
      height: Math.max(count > 0 ? 1 : 0, plot.bottom - top).toFixed(1),
      class: index === minutes - 1 ? 'bar current' : 'bar',
    });
    const minuteStart = new Date((firstMinute + index) * 60_000);
    bar.append(svg('title', {}, `${clock.format(minuteStart)}: ${count} order${count === 1 ? '' : 's'}`));
    nodes.push(bar);
  });

  const labelY = height - 6;
  nodes.push(
    svg('text', { x: plot.left, y: labelY, class: 'label' }, `${minutes} min ago`),
    svg('text', { x: (plot.left + plot.right) / 2, y: labelY, 'text-anchor': 'middle', class: 'label' }, `${minutes / 2} min`),
    svg('text', { x: plot.right, y: labelY, 'text-anchor': 'end', class: 'label' }, 'now'));
  svgElement.replaceChildren(...nodes);

  const total = counts.reduce((sum, count) => sum + count, 0);
  summaryElement.textContent =
    `${total} order${total === 1 ? '' : 's'} in the last ${minutes} minutes, at most ${Math.max(...counts)} in one minute.`;
}
