// The live task board. Every read is a query in the QueryClient, fetched from the REST API; the invalidation
// stream only marks queries stale, and the active ones refetch. Data stays on screen while it refetches.
import { QueryClient, QueryObserver } from '@tanstack/query-core';
// Served as-is by the service, not bundled (see quarkus.web-bundler.bundling.external): the board uses the same
// module as any other page would.
import { createInvalidationClient, queryKeys } from '/client/invalidation.js';
import './board.css';

const queryClient = new QueryClient({
  defaultOptions: {
    // Fresh until an event says otherwise: no refetch on focus, mount or a timer.
    queries: { staleTime: Infinity, retry: 2 },
  },
});
queryClient.mount();

const invalidations = createInvalidationClient({ queryClient });

const $ = (selector) => document.querySelector(selector);
const STATE_LABELS = { connecting: 'Connecting…', live: 'Live', reconnecting: 'Reconnecting…', closed: 'Offline' };

async function api(method, path, body) {
  const init = { method, headers: { Accept: 'application/json' } };
  if (body !== undefined) {
    init.headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  const response = await fetch(path, init);
  if (!response.ok) {
    let detail = '';
    try {
      detail = (await response.json()).detail || '';
    } catch {
      // not problem+json
    }
    throw new Error(detail || `${response.status} ${response.statusText}`);
  }
  return response.status === 204 ? null : response.json();
}

const observe = (queryKey, path) => new QueryObserver(queryClient, { queryKey, queryFn: () => api('GET', path) });
const todos = observe(queryKeys.todoList(), '/api/todos');
const users = observe(queryKeys.userList(), '/api/users');
const stats = observe(queryKeys.stats(), '/api/stats');

// ---- writes: each says locally what it changed too, so the page updates even while the stream reconnects

const pending = new Set();

/**
 * Runs one write at a time per key (a double click on a row does not complete and reopen), then invalidates what it
 * changed: an event for the map, or query keys. Resolves to true when the write succeeded.
 */
async function write(key, action, changed) {
  if (pending.has(key)) {
    return false;
  }
  pending.add(key);
  try {
    await action();
    showError(null);
    if (Array.isArray(changed)) {
      changed.forEach((queryKey) => queryClient.invalidateQueries({ queryKey }));
    } else {
      invalidations.handle(changed);
    }
    return true;
  } catch (error) {
    showError(error.message);
    return false;
  } finally {
    pending.delete(key);
  }
}

// Creating is never deduplicated (two quick submits are two tasks): the field is cleared at once and gets its text
// back if the write fails.
function createFrom(form, field, send, changed) {
  const input = form[field];
  const value = input.value.trim();
  if (!value) {
    return;
  }
  input.value = '';
  write(Symbol(field), () => send(value), changed).then((ok) => {
    if (!ok && !input.value) {
      input.value = value;
    }
  });
}

$('#new-todo').addEventListener('submit', (e) => {
  e.preventDefault();
  const form = e.currentTarget;
  const assigneeId = form.assignee.value ? Number(form.assignee.value) : null;
  createFrom(form, 'title', (title) => api('POST', '/api/todos', { title, assigneeId }), { type: 'todo.created' });
});

$('#new-user').addEventListener('submit', (e) => {
  e.preventDefault();
  createFrom(e.currentTarget, 'name', (name) => api('POST', '/api/users', { name }), [queryKeys.userList()]);
});

$('#todo-list').addEventListener('click', (e) => {
  const button = e.target.closest('button[data-action]');
  if (!button) {
    return;
  }
  const row = button.closest('li[data-todo-id]');
  const todoId = Number(row.dataset.todoId);
  if (button.dataset.action === 'toggle') {
    if (row.dataset.status === 'OPEN') {
      write(todoId, () => api('POST', `/api/todos/${todoId}/complete`), { type: 'todo.completed', todoId });
    } else {
      write(todoId, () => api('PATCH', `/api/todos/${todoId}`, { status: 'OPEN' }), { type: 'todo.updated', todoId });
    }
  } else if (button.dataset.action === 'delete') {
    write(todoId, () => api('DELETE', `/api/todos/${todoId}`), { type: 'todo.deleted', todoId });
  }
});

$('#todo-list').addEventListener('change', (e) => {
  const select = e.target.closest('select[data-action="assign"]');
  if (!select || !select.value) {
    return;
  }
  const todoId = Number(select.closest('li[data-todo-id]').dataset.todoId);
  const userId = Number(select.value);
  write(todoId, () => api('PUT', `/api/todos/${todoId}/assignee`, { userId }),
    { type: 'user.assigned', userId, todoId }).then((ok) => {
    if (!ok) {
      delete select.dataset.rendered; // show the assignee the server has again
      select.blur();
      render();
    }
  });
});

// ---- rendering: rows are kept and updated in place, so a refetch never flickers or steals focus

invalidations.onStateChange((state) => {
  const badge = $('#connection');
  badge.dataset.state = state;
  badge.textContent = STATE_LABELS[state] || state;
});

let errorTimer = null;

function showError(message) {
  const box = $('#error');
  clearTimeout(errorTimer);
  box.hidden = !message;
  box.textContent = message || '';
  if (message) {
    errorTimer = setTimeout(() => showError(null), 6000);
  }
}

function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  Object.assign(node, props);
  node.append(...children);
  return node;
}

function render() {
  const userList = users.getCurrentResult().data || [];
  const names = new Map(userList.map((u) => [u.id, u.name]));
  renderStats(stats.getCurrentResult());
  renderUsers(userList);
  renderUserOptions($('#new-todo').assignee, userList, null, 'Unassigned');
  renderTodos(todos.getCurrentResult(), userList, names);
}

function renderStats(result) {
  for (const field of ['total', 'open', 'completed']) {
    const value = result.data ? String(result.data[field]) : '–';
    const cell = document.querySelector(`[data-stat="${field}"]`);
    if (cell.textContent !== value) {
      cell.textContent = value;
    }
  }
}

function renderUsers(userList) {
  const list = $('#user-list');
  const wanted = userList.map((u) => `${u.id}:${u.name}`).join('\n');
  if (list.dataset.rendered === wanted) {
    return;
  }
  list.dataset.rendered = wanted;
  list.replaceChildren(...userList.map((u) => el('li', { textContent: u.name, title: `#${u.id}` })));
}

function renderUserOptions(select, userList, selectedId, emptyLabel) {
  const ids = userList.map((u) => u.id);
  if (selectedId != null && !ids.includes(selectedId)) {
    ids.push(selectedId); // assigned to someone this page has not loaded yet
  }
  const signature = `${emptyLabel}|${selectedId}|` + userList.map((u) => `${u.id}:${u.name}`).join(',');
  if (select.dataset.rendered === signature) {
    return;
  }
  const keep = select.value;
  select.dataset.rendered = signature;
  const empty = el('option', { value: '', textContent: emptyLabel });
  empty.disabled = selectedId != null; // the API can reassign but not unassign
  const names = new Map(userList.map((u) => [u.id, u.name]));
  const options = ids.map((id) => el('option', { value: String(id), textContent: names.get(id) || `User #${id}` }));
  select.replaceChildren(empty, ...options);
  select.value = selectedId != null ? String(selectedId) : keep;
  if (select.selectedIndex < 0) {
    select.value = '';
  }
}

function renderTodos(result, userList, names) {
  const note = $('#todos-note');
  const list = $('#todo-list');
  let message = '';
  if (!result.data) {
    // Only before the first data: a refetch keeps the rows on screen.
    message = result.isError ? `Could not load tasks: ${result.error.message}` : 'Loading tasks…';
  } else if (result.data.length === 0) {
    message = 'Nothing to do. Add a task above.';
  }
  note.textContent = message;
  note.hidden = !message;
  if (!result.data) {
    return;
  }
  const rows = new Map([...list.children].map((row) => [Number(row.dataset.todoId), row]));
  let previous = null;
  for (const todo of result.data) {
    let row = rows.get(todo.id);
    rows.delete(todo.id);
    if (!row) {
      row = createRow(todo.id);
    }
    updateRow(row, todo, userList, names);
    const expectedPosition = previous ? previous.nextElementSibling : list.firstElementChild;
    if (expectedPosition !== row) {
      list.insertBefore(row, expectedPosition);
    }
    previous = row;
  }
  for (const stale of rows.values()) {
    stale.remove();
  }
  document.title = `${result.data.filter((t) => t.status === 'OPEN').length} open · Task board`;
}

function createRow(id) {
  const row = el('li', { className: 'todo' });
  row.dataset.todoId = String(id);
  const toggle = el('button', { type: 'button', className: 'toggle' });
  toggle.dataset.action = 'toggle';
  const assignee = el('select', { className: 'assignee' });
  assignee.dataset.action = 'assign';
  assignee.setAttribute('aria-label', 'Assignee');
  const remove = el('button', { type: 'button', className: 'delete', textContent: '✕', title: 'Delete' });
  remove.dataset.action = 'delete';
  remove.setAttribute('aria-label', 'Delete');
  row.append(toggle, el('span', { className: 'title' }), el('span', { className: 'status' }), assignee, remove);
  return row;
}

function updateRow(row, todo, userList, names) {
  const done = todo.status === 'COMPLETED';
  row.dataset.status = todo.status;
  row.dataset.assigneeId = todo.assigneeId == null ? '' : String(todo.assigneeId);
  row.classList.toggle('done', done);
  const toggle = row.querySelector('.toggle');
  toggle.textContent = done ? '↺' : '✓';
  toggle.title = done ? 'Reopen' : 'Complete';
  toggle.setAttribute('aria-label', toggle.title);
  setText(row.querySelector('.title'), todo.title);
  setText(row.querySelector('.status'), done ? 'Done' : 'Open');
  const select = row.querySelector('.assignee');
  if (document.activeElement !== select) {
    renderUserOptions(select, userList, todo.assigneeId, 'Unassigned');
  }
  select.title = todo.assigneeId == null ? 'Unassigned' : names.get(todo.assigneeId) || `User #${todo.assigneeId}`;
}

function setText(node, text) {
  if (node.textContent !== text) {
    node.textContent = text;
  }
}

// Subscribing starts the first fetch of each query; every change of any of them re-renders.
for (const observer of [todos, users, stats]) {
  observer.subscribe(render);
}
render();
