// sqs-emulator web console: plain JavaScript, no build step, no framework.
// Reads state from the developer endpoints under /_emulator/ (not part of AWS) and changes it
// through the SQS JSON protocol itself (POST / with X-Amz-Target), so every change behaves
// exactly as it does for an SDK. The region and account of a call are chosen the way the
// emulator reads them from any client: from the SigV4 credential scope (never verified).
'use strict';

(function () {
  var $ = function (id) { return document.getElementById(id); };
  var state = { health: null, queues: [], current: null, detail: null, timer: null };

  function el(tag, text, cls) {
    var e = document.createElement(tag);
    if (text !== undefined && text !== null) e.textContent = String(text);
    if (cls) e.className = cls;
    return e;
  }

  function say(message, kind) {
    var s = $('status');
    s.textContent = message;
    s.className = kind || '';
  }

  function getJson(path) {
    return fetch(path, { headers: { accept: 'application/json' } }).then(function (r) {
      return r.json().then(function (body) {
        if (!r.ok) throw new Error(body.message || r.statusText);
        return body;
      });
    });
  }

  /** One SQS call over AWS JSON 1.0, as the given region and account. */
  function sqs(action, params, region, account) {
    var scope = account + '/20240101/' + region + '/sqs/aws4_request';
    return fetch('/', {
      method: 'POST',
      headers: {
        'content-type': 'application/x-amz-json-1.0',
        'x-amz-target': 'AmazonSQS.' + action,
        authorization: 'AWS4-HMAC-SHA256 Credential=' + scope + ', SignedHeaders=host, Signature=console',
      },
      body: JSON.stringify(params),
    }).then(function (r) {
      return r.text().then(function (text) {
        var body = text ? JSON.parse(text) : {};
        if (!r.ok) {
          var type = String(body.__type || 'Error').split('#').pop();
          throw new Error(type + ': ' + (body.message || r.statusText));
        }
        return body;
      });
    });
  }

  function fail(e) { say(e.message || String(e), 'error'); }

  function pad(n) { return (n < 10 ? '0' : '') + n; }

  /** A time (milliseconds since the epoch) as the reader's local date and time, 2026-12-07 14:05:09. */
  function when(ms) {
    var d = new Date(Number(ms));
    if (isNaN(d.getTime())) return String(ms);
    return d.getFullYear() + '-' + pad(d.getMonth() + 1) + '-' + pad(d.getDate()) + ' ' +
      pad(d.getHours()) + ':' + pad(d.getMinutes()) + ':' + pad(d.getSeconds());
  }

  /** Queue attributes that are epoch seconds (GetQueueAttributes gives them as numbers). */
  var SECONDS_ATTRIBUTES = { CreatedTimestamp: true, LastModifiedTimestamp: true };

  function queuePath(q) {
    return '/_emulator/queues/' + encodeURIComponent(q.region) + '/' + encodeURIComponent(q.accountId) + '/' + encodeURIComponent(q.name);
  }

  function route() {
    var m = /^#\/queue\/([^/]+)\/([^/]+)\/([^/]+)$/.exec(location.hash);
    var current = null;
    try {
      if (m) current = { region: decodeURIComponent(m[1]), accountId: decodeURIComponent(m[2]), name: decodeURIComponent(m[3]) };
    } catch (e) {
      say('Bad address: ' + location.hash, 'error');
    }
    if (current) {
      state.current = current;
      $('list-view').hidden = true;
      $('queue-view').hidden = false;
      $('messages').querySelector('tbody').textContent = '';
      $('no-messages').hidden = true;
      $('queue-title').textContent = state.current.name;
      refresh().then(function () { $('queue-title').focus(); });
    } else {
      state.current = null;
      state.detail = null;
      $('queue-view').hidden = true;
      $('list-view').hidden = false;
      refresh();
    }
  }

  function refresh() {
    var work = [getJson('/_emulator/queues').then(renderQueues)];
    if (state.current) {
      work.push(getJson(queuePath(state.current)).then(renderDetail, function (e) {
        say(e.message, 'error');
        location.hash = '#/';
      }));
      // The messages are shown as soon as the queue is open, and kept current with the counts.
      work.push(peek());
    }
    return Promise.all(work).then(function () {
      $('live').textContent = 'updated ' + new Date().toLocaleTimeString();
    }, fail);
  }

  function renderQueues(body) {
    state.queues = body.queues;
    var filter = $('filter').value.trim().toLowerCase();
    var tbody = $('queues').querySelector('tbody');
    tbody.textContent = '';
    body.queues.forEach(function (q) {
      if (filter && (q.name + ' ' + q.region + ' ' + q.accountId).toLowerCase().indexOf(filter) < 0) return;
      var tr = el('tr');
      tr.dataset.queue = q.name;
      var name = el('td');
      var a = el('a', q.name);
      a.href = '#/queue/' + encodeURIComponent(q.region) + '/' + encodeURIComponent(q.accountId) + '/' + encodeURIComponent(q.name);
      name.appendChild(a);
      tr.appendChild(name);
      tr.appendChild(el('td', q.region));
      tr.appendChild(el('td', q.accountId, 'mono'));
      tr.appendChild(el('td', q.visible, 'num visible'));
      tr.appendChild(el('td', q.inflight, 'num inflight'));
      tr.appendChild(el('td', q.delayed, 'num delayed'));
      tr.appendChild(el('td', q.deadLetterTargetArn ? q.deadLetterTargetArn.split(':').pop() + ' (after ' + q.maxReceiveCount + ')' : ''));
      tbody.appendChild(tr);
    });
    $('empty').hidden = body.queues.length > 0;
  }

  function renderDetail(d) {
    state.detail = d;
    $('queue-title').textContent = d.name + (d.region !== state.health.region || d.accountId !== state.health.accountId ? ' (' + d.region + ', ' + d.accountId + ')' : '');
    $('queue-url').textContent = d.url;
    var counts = $('counts');
    counts.textContent = '';
    [['Visible', d.visible, 'count-visible'], ['In flight', d.inflight, 'count-inflight'], ['Delayed', d.delayed, 'count-delayed']].forEach(function (c) {
      var div = el('div');
      div.appendChild(el('dt', c[0]));
      var dd = el('dd', c[1]);
      dd.id = c[2];
      div.appendChild(dd);
      counts.appendChild(div);
    });
    document.querySelectorAll('.fifo-only').forEach(function (e) { e.hidden = !d.fifo; });
    document.querySelectorAll('.standard-only').forEach(function (e) { e.hidden = d.fifo; });
    if (d.fairQueue) renderFairQueue(d.fairQueue);
    renderMappings(d.eventSourceMappings || []);

    var attrs = $('attributes').querySelector('tbody');
    attrs.textContent = '';
    Object.keys(d.attributes).forEach(function (k) {
      var tr = el('tr');
      tr.appendChild(el('th', k));
      tr.appendChild(el('td', SECONDS_ATTRIBUTES[k] ? when(d.attributes[k] * 1000) + ' (' + d.attributes[k] + ')' : d.attributes[k], 'mono'));
      attrs.appendChild(tr);
    });
    var tags = $('tags').querySelector('tbody');
    tags.textContent = '';
    var tagNames = Object.keys(d.tags);
    tagNames.forEach(function (k) {
      var tr = el('tr');
      tr.appendChild(el('th', k));
      tr.appendChild(el('td', d.tags[k]));
      tags.appendChild(tr);
    });
    $('no-tags').hidden = tagNames.length > 0;

    $('dlq-target').textContent = d.deadLetterTargetArn
      ? 'Messages received more than ' + d.maxReceiveCount + ' times move to ' + d.deadLetterTargetArn + '.'
      : 'No dead-letter queue (no RedrivePolicy).';
    var sources = $('dlq-sources');
    sources.textContent = '';
    var isDlq = d.deadLetterSourceQueues.length > 0;
    if (isDlq) {
      sources.appendChild(el('p', 'Dead-letter queue of:'));
      var ul = el('ul', undefined, 'mono');
      d.deadLetterSourceQueues.forEach(function (u) { ul.appendChild(el('li', u)); });
      sources.appendChild(ul);
    }
    var running = d.moveTasks.some(function (t) { return t.Status === 'RUNNING'; });
    $('redrive-form').hidden = !isDlq && d.moveTasks.length === 0;
    $('redrive-form').querySelector('button').disabled = running;
    var select = $('redrive-destination');
    var chosen = select.value;
    while (select.options.length > 1) select.remove(1);
    state.queues.forEach(function (q) {
      if (q.arn === d.arn) return;
      var o = el('option', q.name + ' (' + q.region + ', ' + q.accountId + ')');
      o.value = q.arn;
      select.appendChild(o);
    });
    select.value = chosen;

    var tasks = $('tasks').querySelector('tbody');
    tasks.textContent = '';
    $('tasks').hidden = d.moveTasks.length === 0;
    d.moveTasks.forEach(function (t) {
      var tr = el('tr');
      tr.appendChild(el('td', t.Status + (t.FailureReason ? ' (' + t.FailureReason + ')' : '')));
      tr.appendChild(el('td', t.DestinationArn || 'original sources', 'mono'));
      tr.appendChild(el('td', t.ApproximateNumberOfMessagesMoved, 'num'));
      tr.appendChild(el('td', t.ApproximateNumberOfMessagesToMove, 'num'));
      tr.appendChild(el('td', when(t.StartedTimestamp)));
      var cell = el('td');
      if (t.Status === 'RUNNING' && t.TaskHandle) {
        var b = el('button', 'Cancel', 'danger');
        b.type = 'button';
        b.addEventListener('click', function () {
          sqs('CancelMessageMoveTask', { TaskHandle: t.TaskHandle }, d.region, d.accountId).then(function () {
            say('Move task cancelled.', 'ok');
            return refresh();
          }, fail);
        });
        cell.appendChild(b);
      }
      tr.appendChild(cell);
      tasks.appendChild(tr);
    });
  }

  /** Event-source mappings of the queue: settings, state, last invocations and errors; pause and resume. */
  function renderMappings(list) {
    $('esm-card').hidden = list.length === 0;
    var rows = $('esm').querySelector('tbody');
    rows.textContent = '';
    var calls = $('esm-invocations').querySelector('tbody');
    calls.textContent = '';
    list.forEach(function (m) {
      var tr = el('tr');
      tr.appendChild(el('td', m.FunctionName, 'mono'));
      var t = m.Target;
      tr.appendChild(el('td', t.type === 'url' ? t.url : t.type === 'command' ? [t.command].concat(t.args).join(' ') : 'in-process function', 'mono'));
      tr.appendChild(el('td', m.State));
      tr.appendChild(el('td', m.BatchSize, 'num'));
      tr.appendChild(el('td', m.InFlightBatches, 'num'));
      tr.appendChild(el('td', m.Invocations, 'num'));
      tr.appendChild(el('td', m.Errors, 'num'));
      tr.appendChild(el('td', m.LastProcessingResult));
      var cell = el('td');
      var b = el('button', m.State === 'Enabled' ? 'Pause' : 'Resume');
      b.type = 'button';
      b.addEventListener('click', function () {
        fetch('/_emulator/event-source-mappings/' + m.UUID + (m.State === 'Enabled' ? '/pause' : '/resume'), { method: 'POST' }).then(function (r) {
          if (!r.ok) throw new Error(r.statusText);
          say('Mapping ' + (m.State === 'Enabled' ? 'paused.' : 'resumed.'), 'ok');
          return refresh();
        }).catch(fail);
      });
      cell.appendChild(b);
      tr.appendChild(cell);
      rows.appendChild(tr);
      m.LastInvocations.forEach(function (i) {
        var row = el('tr');
        row.appendChild(el('td', when(i.at)));
        row.appendChild(el('td', m.FunctionName, 'mono'));
        row.appendChild(el('td', i.records, 'num'));
        row.appendChild(el('td', i.outcome));
        row.appendChild(el('td', i.durationMs, 'num'));
        row.appendChild(el('td', i.error || (i.batchItemFailures ? i.batchItemFailures.length + ' failed: ' + i.batchItemFailures.join(', ') : ''), 'mono'));
        calls.appendChild(row);
      });
    });
  }

  /** Fair queues: the CloudWatch metrics, and which tenants are noisy now and why. */
  function renderFairQueue(f) {
    var metrics = $('fair-metrics').querySelector('tbody');
    metrics.textContent = '';
    Object.keys(f.metrics).forEach(function (k) {
      var tr = el('tr');
      tr.appendChild(el('th', k));
      tr.appendChild(el('td', String(f.metrics[k]), 'num'));
      metrics.appendChild(tr);
    });
    var body = $('noisy-groups').querySelector('tbody');
    body.textContent = '';
    f.noisyGroups.forEach(function (g) {
      var tr = el('tr');
      tr.dataset.group = g.MessageGroupId;
      tr.appendChild(el('td', g.MessageGroupId, 'mono'));
      var why = g.reason === 'concurrency'
        ? 'concurrency share: ' + g.inflight + ' of ' + g.queueInflight + ' in flight (' + Math.round((100 * g.inflight) / g.queueInflight) + '% > 10%, and 30 or more)'
        : 'processing-time share: ' + (100 * g.processingTimeShare).toFixed(1) + '% > 10% of the last 30-60 s';
      tr.appendChild(el('td', why, 'reason'));
      tr.appendChild(el('td', String(g.inflight), 'num'));
      tr.appendChild(el('td', (100 * g.processingTimeShare).toFixed(1) + '%', 'num'));
      tr.appendChild(el('td', String(g.visible), 'num'));
      tr.appendChild(el('td', String(g.delayed), 'num'));
      body.appendChild(tr);
    });
    $('noisy-groups').hidden = f.noisyGroups.length === 0;
    $('no-noisy').hidden = f.noisyGroups.length > 0;
  }

  function peek() {
    var q = state.current;
    return getJson(queuePath(q) + '/messages?limit=100').then(function (body) {
      var tbody = $('messages').querySelector('tbody');
      tbody.textContent = '';
      body.messages.forEach(function (m) {
        var tr = el('tr');
        tr.appendChild(el('td', m.MessageId, 'mono'));
        tr.appendChild(el('td', m.state + (m.visibleAt ? ' until ' + when(m.visibleAt) : '')));
        tr.appendChild(el('td', m.receiveCount, 'num'));
        tr.appendChild(el('td', when(m.sentTimestamp), 'sent'));
        tr.appendChild(el('td', m.Body, 'body-cell mono'));
        var attrs = m.MessageAttributes || {};
        tr.appendChild(el('td', Object.keys(attrs).map(function (k) {
          var v = attrs[k];
          return k + ' (' + v.DataType + ') = ' + (v.StringValue !== undefined ? v.StringValue : v.BinaryValue);
        }).join('\n'), 'mono'));
        tbody.appendChild(tr);
      });
      $('no-messages').hidden = body.messages.length > 0;
    });
  }

  function addAttributeRow() {
    var row = $('attr-row').content.firstElementChild.cloneNode(true);
    row.querySelector('.attr-remove').addEventListener('click', function () { row.remove(); });
    $('attr-rows').appendChild(row);
    row.querySelector('.attr-name').focus();
  }

  $('add-attr').addEventListener('click', addAttributeRow);

  $('send-form').addEventListener('submit', function (ev) {
    ev.preventDefault();
    var d = state.detail;
    var params = { QueueUrl: d.url, MessageBody: $('send-body').value };
    if ($('send-delay').value !== '') params.DelaySeconds = Number($('send-delay').value);
    if (!d.fifo && $('send-group').value) params.MessageGroupId = $('send-group').value;
    if (d.fifo) {
      params.MessageGroupId = $('send-group').value || 'console';
      if ($('send-dedup').value) params.MessageDeduplicationId = $('send-dedup').value;
      else if (d.attributes.ContentBasedDeduplication !== 'true') params.MessageDeduplicationId = String(Date.now()) + Math.random().toString(16).slice(2);
    }
    var rows = document.querySelectorAll('#attr-rows .attr-row');
    if (rows.length > 0) {
      params.MessageAttributes = {};
      rows.forEach(function (r) {
        var type = r.querySelector('.attr-type').value;
        var value = r.querySelector('.attr-value').value;
        params.MessageAttributes[r.querySelector('.attr-name').value] =
          type === 'Binary' ? { DataType: type, BinaryValue: btoa(value) } : { DataType: type, StringValue: value };
      });
    }
    sqs('SendMessage', params, d.region, d.accountId).then(function (r) {
      say('Sent message ' + r.MessageId + '.', 'ok');
      $('send-body').value = '';
      return refresh();
    }, fail);
  });

  $('peek-button').addEventListener('click', function () {
    peek().then(function () { say('Reloaded the messages (nothing received).', 'ok'); }, fail);
  });

  $('purge-button').addEventListener('click', function () {
    var d = state.detail;
    if (!confirm('Purge every message of ' + d.name + '?')) return;
    sqs('PurgeQueue', { QueueUrl: d.url }, d.region, d.accountId).then(function () {
      say('Purged ' + d.name + '.', 'ok');
      return refresh();
    }, fail);
  });

  $('delete-button').addEventListener('click', function () {
    var d = state.detail;
    if (!confirm('Delete the queue ' + d.name + ' and its messages?')) return;
    sqs('DeleteQueue', { QueueUrl: d.url }, d.region, d.accountId).then(function () {
      say('Deleted ' + d.name + '.', 'ok');
      location.hash = '#/';
    }, fail);
  });

  $('redrive-form').addEventListener('submit', function (ev) {
    ev.preventDefault();
    var d = state.detail;
    var params = { SourceArn: d.arn };
    if ($('redrive-destination').value) params.DestinationArn = $('redrive-destination').value;
    if ($('redrive-rate').value) params.MaxNumberOfMessagesPerSecond = Number($('redrive-rate').value);
    sqs('StartMessageMoveTask', params, d.region, d.accountId).then(function () {
      say('Redrive started.', 'ok');
      return refresh();
    }, fail);
  });

  $('create-form').addEventListener('submit', function (ev) {
    ev.preventDefault();
    var params = { QueueName: $('create-name').value.trim() };
    var raw = $('create-attributes').value.trim();
    if (raw) {
      try {
        var attributes = JSON.parse(raw);
        params.Attributes = {};
        Object.keys(attributes).forEach(function (k) { params.Attributes[k] = String(attributes[k]); });
      } catch (e) {
        say('Attributes: ' + e.message, 'error');
        return;
      }
    }
    if (/\.fifo$/.test(params.QueueName)) {
      params.Attributes = params.Attributes || {};
      params.Attributes.FifoQueue = 'true';
    }
    sqs('CreateQueue', params, $('create-region').value.trim(), $('create-account').value.trim()).then(function (r) {
      say('Created ' + r.QueueUrl + '.', 'ok');
      $('create-name').value = '';
      $('create-attributes').value = '';
      return refresh();
    }, fail);
  });

  $('filter').addEventListener('input', function () { renderQueues({ queues: state.queues }); });

  document.addEventListener('keydown', function (ev) {
    var typing = /^(INPUT|TEXTAREA|SELECT)$/.test(ev.target.tagName);
    if (ev.key === 'Escape') {
      if (typing) ev.target.blur();
      else if (state.current) location.hash = '#/';
      return;
    }
    if (typing || ev.ctrlKey || ev.metaKey || ev.altKey) return;
    if (ev.key === '/') { ev.preventDefault(); if (state.current) location.hash = '#/'; $('filter').focus(); }
    else if (ev.key === 'n') { ev.preventDefault(); if (state.current) location.hash = '#/'; $('create-name').focus(); }
    else if (ev.key === 'r') { ev.preventDefault(); refresh(); }
  });

  window.addEventListener('hashchange', route);

  getJson('/_emulator/health').then(function (h) {
    state.health = h;
    $('version').textContent = 'v' + h.version + ' · default region ' + h.region + ' · account ' + h.accountId;
    $('create-region').value = h.region;
    $('create-account').value = h.accountId;
    $('queue-title').tabIndex = -1;
    route();
    // Live counts: poll while the tab is visible.
    state.timer = setInterval(function () { if (!document.hidden) refresh(); }, 2000);
  }, fail);
})();
