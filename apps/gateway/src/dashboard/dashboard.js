/* global window, document, sessionStorage, Chart */
/*
 * The MFA KPI dashboard: reads GET /v1/tenants/:tenantId/kpis (proto3 JSON of GetMfaKpisResponse)
 * and GET /v1/tenants/:tenantId/audit/verify with an admin API key, and draws tiles and Chart.js
 * charts. No framework, no build step, nothing from another origin; text goes in with textContent
 * only. proto3 JSON leaves out fields at their default and writes int64 as strings, so every number
 * is read through num().
 */
(function () {
  'use strict';

  const $ = (id) => document.getElementById(id);
  const DAY_MS = 24 * 60 * 60 * 1000;
  const STORAGE = { tenantId: 'portcullis.dashboard.tenantId', apiKey: 'portcullis.dashboard.apiKey' };
  const COLORS = {
    green: '#1a7f37',
    red: '#cf222e',
    blue: '#0969da',
    orange: '#bc4c00',
    purple: '#8250df',
    grey: '#6e7781',
    teal: '#1b7c83',
    yellow: '#9a6700',
  };
  const PALETTE = [COLORS.blue, COLORS.green, COLORS.orange, COLORS.purple, COLORS.teal, COLORS.red];
  const DECISION_COLORS = { allow: COLORS.green, challenge: COLORS.yellow, deny: COLORS.red };
  const LEVEL_ORDER = ['low', 'medium', 'high', 'critical'];
  const reducedMotion = window.matchMedia('(prefers-reduced-motion: reduce)').matches;
  const counts = new Intl.NumberFormat();
  const wholePercent = new Intl.NumberFormat(undefined, { style: 'percent', maximumFractionDigits: 0 });
  /** Chart.js instances by canvas id, destroyed before the next load redraws them. */
  const charts = {};

  /** An answer of the gateway other than 2xx, from its problem+json body when it sent one. */
  class ApiError extends Error {
    constructor(what, status, problem) {
      const title = (problem && problem.title) || `HTTP ${status}`;
      const detail = problem && problem.detail;
      const code = problem && problem.code ? ` [${problem.code}]` : '';
      super(`${what}: ${title}${detail ? ` — ${detail}` : ''}${code} (HTTP ${status})`);
    }
  }

  const num = (value) => {
    const n = Number(value ?? 0);
    return Number.isFinite(n) ? n : 0;
  };
  const percent = (rate) => `${(num(rate) * 100).toFixed(1)}%`;
  const duration = (ms) => (ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`);
  const plural = (n, one, many) => `${counts.format(n)} ${n === 1 ? one : many}`;

  function money(amount, currency) {
    const value = num(amount);
    if (/^[A-Z]{3}$/.test(currency || '')) {
      return new Intl.NumberFormat(undefined, { style: 'currency', currency }).format(value);
    }
    return value.toFixed(2);
  }

  /** The requested period as whole UTC days: from inclusive, to exclusive. */
  function requestedPeriod() {
    const choice = $('period').value;
    if (choice === 'custom') {
      const from = $('from-date').value;
      const to = $('to-date').value;
      if (!from || !to) throw new Error('Choose both dates of the custom period.');
      const fromTime = new Date(`${from}T00:00:00Z`);
      const toTime = new Date(new Date(`${to}T00:00:00Z`).getTime() + DAY_MS);
      if (!(fromTime < toTime)) throw new Error('The custom period must start on or before its last day.');
      return { fromTime, toTime };
    }
    const now = new Date();
    const toTime = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 1));
    return { fromTime: new Date(toTime.getTime() - Number(choice) * DAY_MS), toTime };
  }

  async function getJson(what, path, apiKey) {
    let response;
    try {
      response = await fetch(path, {
        headers: { authorization: `Bearer ${apiKey}`, accept: 'application/json' },
        cache: 'no-store',
        credentials: 'omit',
      });
    } catch (error) {
      throw new Error(`${what}: the gateway could not be reached (${error.message})`);
    }
    const text = await response.text();
    let body;
    try {
      body = text ? JSON.parse(text) : {};
    } catch {
      body = undefined;
    }
    if (!response.ok) throw new ApiError(what, response.status, body);
    if (body === undefined) throw new Error(`${what}: the gateway's answer is not JSON`);
    return body;
  }

  function showErrors(messages) {
    const box = $('error');
    box.textContent = messages.join('\n');
    box.hidden = messages.length === 0;
  }

  function tile(name, value, sub, tone) {
    const element = document.querySelector(`[data-kpi="${name}"]`);
    element.querySelector('.value').textContent = value;
    element.querySelector('.sub').textContent = sub;
    element.classList.toggle('good', tone === 'good');
    element.classList.toggle('bad', tone === 'bad');
  }

  function renderTiles(kpis) {
    const adoption = kpis.adoption || {};
    const activeUsers = num(adoption.activeUsers);
    const withFactor = num(adoption.usersWithFactor);
    tile(
      'adoption',
      activeUsers === 0 ? '–' : percent(adoption.rate),
      `${counts.format(withFactor)} of ${plural(activeUsers, 'active user', 'active users')}`,
    );

    const c = kpis.challenges || {};
    const started = num(c.started);
    const verified = num(c.verified);
    tile(
      'challenge-success-rate',
      started === 0 ? '–' : percent(c.successRate),
      `${counts.format(verified)} verified, ${counts.format(num(c.failed))} failed of ${counts.format(started)} started`,
    );
    tile(
      'median-time-to-verify',
      verified === 0 ? '–' : duration(num(c.medianTimeToVerifyMs)),
      verified === 0
        ? 'no verified challenge'
        : `p90 ${duration(num(c.p90TimeToVerifyMs))}, mean ${duration(num(c.meanTimeToVerifyMs))}`,
    );
    tile(
      'abandonment-rate',
      started === 0 ? '–' : percent(c.abandonmentRate),
      `${plural(num(c.abandoned), 'challenge', 'challenges')} abandoned`,
    );

    const roi = kpis.roi || {};
    const delivery = kpis.delivery || [];
    const sent = delivery.reduce((sum, d) => sum + num(d.sent), 0);
    tile(
      'messaging-spend',
      roi.currency ? money(roi.messagingSpend, roi.currency) : spendByCurrency(delivery),
      `${plural(sent, 'message', 'messages')} sent`,
    );
    const spent = num(roi.messagingSpend) > 0;
    const prevented = num(roi.preventedTakeovers);
    tile(
      'roi',
      spent ? wholePercent.format(num(roi.roi)) : '–',
      `${plural(prevented, 'takeover', 'takeovers')} prevented` +
        (roi.currency ? `, ≈ ${money(roi.estimatedLossPrevented, roi.currency)}` : '') +
        (spent ? '' : '; nothing spent'),
      spent ? (num(roi.roi) >= 0 ? 'good' : 'bad') : undefined,
    );

    const userLockouts = num(kpis.userLockouts);
    const factorLockouts = num(kpis.factorLockouts);
    tile(
      'lockouts',
      counts.format(userLockouts + factorLockouts),
      `${plural(userLockouts, 'user', 'users')}, ${plural(factorLockouts, 'factor', 'factors')}`,
    );
    tile('alerts', counts.format(num(kpis.alerts)), 'security alerts sent to users');
  }

  /** Spend summed per currency, for when the ROI names none. */
  function spendByCurrency(delivery) {
    const totals = new Map();
    for (const d of delivery) {
      const currency = d.spendCurrency || '';
      totals.set(currency, (totals.get(currency) || 0) + num(d.spend));
    }
    if (totals.size === 0) return money(0, '');
    return [...totals].map(([currency, total]) => money(total, currency)).join(' + ');
  }

  function renderChain(result) {
    const checked = num(result.checked);
    if (result.intact) {
      tile(
        'audit-chain',
        'Intact',
        checked === 0
          ? 'no records yet'
          : `${plural(checked, 'record', 'records')} checked (#${num(result.firstSequence)}–#${num(result.lastSequence)})`,
        'good',
      );
      return;
    }
    const problems = result.problems || [];
    const first = problems[0];
    tile(
      'audit-chain',
      'Broken',
      `${plural(problems.length, 'problem', 'problems')}` +
        (first ? `; first: ${first.kind} at #${num(first.sequence)}` : ''),
      'bad',
    );
  }

  function renderTables(kpis) {
    const byFactor = $('by-factor-rows');
    byFactor.replaceChildren(
      ...(kpis.challengesByFactor || []).map((c) =>
        row([
          c.factorType || '(unknown)',
          counts.format(num(c.started)),
          counts.format(num(c.verified)),
          counts.format(num(c.failed)),
          counts.format(num(c.abandoned)),
          num(c.started) === 0 ? '–' : percent(c.successRate),
          num(c.verified) === 0 ? '–' : duration(num(c.medianTimeToVerifyMs)),
        ]),
      ),
    );
    if (byFactor.children.length === 0) byFactor.append(row(['No challenges in this period'], 7));
    const reasons = $('risk-reason-rows');
    reasons.replaceChildren(
      ...(kpis.riskReasons || [])
        .slice()
        .sort((a, b) => num(b.count) - num(a.count))
        .map((r) => row([r.reasonCode, counts.format(num(r.count))])),
    );
    if (reasons.children.length === 0) reasons.append(row(['No risk reasons in this period'], 2));
  }

  function row(cells, span) {
    const tr = document.createElement('tr');
    for (const text of cells) {
      const td = document.createElement('td');
      td.textContent = text;
      if (span) td.colSpan = span;
      tr.append(td);
    }
    return tr;
  }

  function draw(id, config) {
    if (charts[id]) charts[id].destroy();
    config.options = {
      responsive: true,
      maintainAspectRatio: false,
      animation: reducedMotion ? false : { duration: 300 },
      plugins: { legend: { position: 'bottom', labels: { boxWidth: 12 } } },
      ...config.options,
    };
    charts[id] = new Chart($(id), config);
  }

  const dataset = (label, data, color, extra) => ({
    label,
    data,
    backgroundColor: color,
    borderColor: color,
    ...extra,
  });
  const countAxis = { beginAtZero: true, ticks: { precision: 0 } };

  function renderCharts(kpis) {
    const daily = kpis.daily || [];
    const days = daily.map((d) => d.date.slice(5));
    const series = (field) => daily.map((d) => num(d[field]));

    draw('chart-sign-ins', {
      type: 'bar',
      data: {
        labels: days,
        datasets: [
          dataset('Succeeded', series('signInsSucceeded'), COLORS.green),
          dataset('Failed', series('signInsFailed'), COLORS.red),
        ],
      },
      options: { scales: { x: { stacked: true }, y: { ...countAxis, stacked: true } } },
    });

    draw('chart-challenges', {
      type: 'line',
      data: {
        labels: days,
        datasets: [
          dataset('Started', series('challengesStarted'), COLORS.blue),
          dataset('Verified', series('challengesVerified'), COLORS.green),
        ],
      },
      options: { scales: { y: countAxis } },
    });

    const mix = kpis.factorMix || [];
    draw('chart-factor-mix', {
      type: 'doughnut',
      data: {
        labels: mix.map((f) => f.factorType),
        datasets: [
          {
            label: 'Active factors',
            data: mix.map((f) => num(f.active)),
            backgroundColor: mix.map((_, i) => PALETTE[i % PALETTE.length]),
          },
        ],
      },
      options: { plugins: { legend: { position: 'right', labels: { boxWidth: 12 } } } },
    });

    const funnel = kpis.enrolmentFunnel || [];
    draw('chart-enrolment-funnel', {
      type: 'bar',
      data: {
        labels: funnel.map((f) => f.factorType),
        datasets: [
          dataset(
            'Started',
            funnel.map((f) => num(f.started)),
            COLORS.blue,
          ),
          dataset(
            'Completed',
            funnel.map((f) => num(f.completed)),
            COLORS.green,
          ),
        ],
      },
      options: { scales: { y: countAxis } },
    });

    const delivery = kpis.delivery || [];
    const currencies = [...new Set(delivery.map((d) => d.spendCurrency).filter(Boolean))];
    draw('chart-delivery', {
      type: 'bar',
      data: {
        labels: delivery.map((d) => d.channel),
        datasets: [
          dataset(
            'Sent',
            delivery.map((d) => num(d.sent)),
            COLORS.blue,
          ),
          dataset(
            'Delivered',
            delivery.map((d) => num(d.delivered)),
            COLORS.green,
          ),
          dataset(
            'Failed',
            delivery.map((d) => num(d.failed)),
            COLORS.red,
          ),
          dataset(
            `Spend${currencies.length === 1 ? ` (${currencies[0]})` : ''}`,
            delivery.map((d) => num(d.spend)),
            COLORS.purple,
            { type: 'line', yAxisID: 'spend', showLine: false, pointRadius: 6, pointStyle: 'rectRot' },
          ),
        ],
      },
      options: {
        scales: {
          y: countAxis,
          spend: { position: 'right', beginAtZero: true, grid: { drawOnChartArea: false } },
        },
      },
    });

    const decisions = kpis.riskDecisions || [];
    const levels = [...new Set(decisions.map((d) => d.level))].sort(
      (a, b) => rank(LEVEL_ORDER, a) - rank(LEVEL_ORDER, b) || a.localeCompare(b),
    );
    const kinds = [...new Set(decisions.map((d) => d.decision))].sort(
      (a, b) => rank(Object.keys(DECISION_COLORS), a) - rank(Object.keys(DECISION_COLORS), b),
    );
    draw('chart-risk-decisions', {
      type: 'bar',
      data: {
        labels: levels,
        datasets: kinds.map((kind, i) =>
          dataset(
            kind,
            levels.map((level) =>
              decisions
                .filter((d) => d.level === level && d.decision === kind)
                .reduce((sum, d) => sum + num(d.count), 0),
            ),
            DECISION_COLORS[kind] || PALETTE[i % PALETTE.length],
          ),
        ),
      },
      options: { scales: { x: { stacked: true }, y: { ...countAxis, stacked: true } } },
    });

    draw('chart-alerts-lockouts', {
      type: 'bar',
      data: {
        labels: days,
        datasets: [
          dataset('Alerts', series('alerts'), COLORS.orange),
          dataset('Lockouts', series('lockouts'), COLORS.red),
        ],
      },
      options: { scales: { y: countAxis } },
    });

    draw('chart-adoption', {
      type: 'line',
      data: {
        labels: days,
        datasets: [
          dataset(
            'Users with a factor (%)',
            daily.map((d) =>
              num(d.activeUsers) === 0 ? null : (100 * num(d.usersWithFactor)) / num(d.activeUsers),
            ),
            COLORS.blue,
            { fill: false, spanGaps: true },
          ),
        ],
      },
      options: { scales: { y: { min: 0, max: 100, ticks: { callback: (v) => `${v}%` } } } },
    });
  }

  function rank(order, value) {
    const i = order.indexOf(value);
    return i === -1 ? order.length : i;
  }

  function periodLabel(kpis, requested) {
    const from = kpis.fromTime ? new Date(kpis.fromTime) : requested.fromTime;
    const to = kpis.toTime ? new Date(kpis.toTime) : requested.toTime;
    const day = (d) => d.toISOString().slice(0, 10);
    return `${day(from)} to ${day(new Date(to.getTime() - DAY_MS))} (UTC)`;
  }

  async function load(event) {
    event.preventDefault();
    const tenantId = $('tenant-id').value.trim();
    const apiKey = $('api-key').value.trim();
    const missing = [!tenantId && 'the tenant id', !apiKey && 'an admin API key'].filter(Boolean);
    if (missing.length > 0) {
      showErrors([`Enter ${missing.join(' and ')}.`]);
      return;
    }
    let period;
    try {
      period = requestedPeriod();
    } catch (error) {
      showErrors([error.message]);
      return;
    }
    sessionStorage.setItem(STORAGE.tenantId, tenantId);
    sessionStorage.setItem(STORAGE.apiKey, apiKey);

    const tenant = `v1/tenants/${encodeURIComponent(tenantId)}`;
    const query = new URLSearchParams({
      fromTime: period.fromTime.toISOString(),
      toTime: period.toTime.toISOString(),
    });
    showErrors([]);
    $('status').textContent = 'Loading…';
    $('load').disabled = true;
    document.body.dataset.state = 'loading';
    const [kpis, chain] = await Promise.allSettled([
      getJson('MFA KPIs', `${tenant}/kpis?${query}`, apiKey),
      getJson('Audit chain check', `${tenant}/audit/verify`, apiKey),
    ]);
    $('load').disabled = false;

    const errors = [kpis, chain].filter((r) => r.status === 'rejected').map((r) => r.reason.message);
    showErrors(errors);
    if (kpis.status === 'rejected') {
      // Never leave an earlier load on screen as if it answered this one.
      $('results').hidden = true;
      $('status').textContent = 'Nothing loaded.';
      document.body.dataset.state = 'error';
      return;
    }
    const data = kpis.value.kpis || {};
    $('results').hidden = false;
    $('period-label').textContent = periodLabel(data, period);
    renderTiles(data);
    if (chain.status === 'fulfilled') renderChain(chain.value.result || {});
    else tile('audit-chain', 'Unavailable', 'see the error above', 'bad');
    renderTables(data);
    renderCharts(data);
    $('status').textContent = `Loaded at ${new Date().toLocaleTimeString()}.`;
    document.body.dataset.state = errors.length === 0 ? 'loaded' : 'partial';
  }

  function showCustomDates() {
    const custom = $('period').value === 'custom';
    $('custom-dates').hidden = !custom;
    if (custom && !$('to-date').value) {
      const today = new Date();
      $('to-date').value = today.toISOString().slice(0, 10);
      $('from-date').value = new Date(today.getTime() - 29 * DAY_MS).toISOString().slice(0, 10);
    }
  }

  function forgetKey() {
    sessionStorage.removeItem(STORAGE.apiKey);
    $('api-key').value = '';
    $('status').textContent = 'The API key was removed from this tab.';
  }

  $('tenant-id').value = sessionStorage.getItem(STORAGE.tenantId) || '';
  $('api-key').value = sessionStorage.getItem(STORAGE.apiKey) || '';
  $('period').addEventListener('change', showCustomDates);
  $('forget-key').addEventListener('click', forgetKey);
  $('load-form').addEventListener('submit', (event) => {
    load(event).catch((error) => {
      // A bug in this page, not an API answer: still shown, never swallowed.
      $('load').disabled = false;
      document.body.dataset.state = 'error';
      showErrors([`The dashboard failed: ${error.message}`]);
    });
  });
  showCustomDates();
  document.body.dataset.ready = 'true';
})();
