// The new-order form: one or more item lines, the same rules as the service checked before sending, and the
// service's own ValidationProblemDetails shown next to the fields they name when it refuses anyway. Every limit comes
// from limits.js, the one copy of the validator's numbers on this side.

import { limits } from './limits.js';

const lineFields = [
  { key: 'sku', label: 'SKU', type: 'text' },
  { key: 'quantity', label: 'Quantity', type: 'number' },
  { key: 'unitPrice', label: 'Unit price', type: 'number' },
];

/** The error keys the service uses for a line's fields, which the form uses too: items[0].sku, items[1].quantity. */
export const lineKey = (index, field) => `items[${index}].${field}`;

/** The form's values as the request will carry them (trimmed text; numbers still as typed). */
function read(form, count) {
  const value = (name) => form.elements.namedItem(name).value.trim();
  const badInput = (name) => form.elements.namedItem(name).validity.badInput;
  return {
    customer: value('customer'),
    note: value('note'),
    lines: Array.from({ length: count }, (_, index) => ({
      sku: value(lineKey(index, 'sku')),
      quantity: value(lineKey(index, 'quantity')),
      unitPrice: value(lineKey(index, 'unitPrice')),
      badInput: { quantity: badInput(lineKey(index, 'quantity')), unitPrice: badInput(lineKey(index, 'unitPrice')) },
    })),
  };
}

function validateLine(line, index, errors) {
  const sku = lineKey(index, 'sku');
  if (!line.sku) errors[sku] = 'Enter the SKU.';
  else if (line.sku.length > limits.skuMaxLength) errors[sku] = `At most ${limits.skuMaxLength} characters.`;

  const quantityKey = lineKey(index, 'quantity');
  const quantity = Number(line.quantity);
  if (line.badInput.quantity || (line.quantity !== '' && !Number.isInteger(quantity))) errors[quantityKey] = 'Enter a whole number.';
  else if (line.quantity === '') errors[quantityKey] = 'Enter the quantity.';
  else if (quantity < limits.minQuantity || quantity > limits.maxQuantity) {
    errors[quantityKey] = `Between ${limits.minQuantity} and ${limits.maxQuantity}.`;
  }

  const priceKey = lineKey(index, 'unitPrice');
  const unitPrice = Number(line.unitPrice);
  if (line.badInput.unitPrice || (line.unitPrice !== '' && !Number.isFinite(unitPrice))) errors[priceKey] = 'Enter a number.';
  else if (line.unitPrice === '') errors[priceKey] = 'Enter the unit price.';
  else if (unitPrice < limits.minUnitPrice) errors[priceKey] = 'Cannot be negative.';
  else if (unitPrice > limits.maxUnitPrice) errors[priceKey] = 'That price is too high.';
}

/** The rules of CreateOrderCommandValidator, field by field; returns { key: message } for each broken one. */
export function validate(values) {
  const errors = {};
  if (!values.customer) errors.customer = 'Enter the customer.';
  else if (values.customer.length > limits.customerMaxLength) errors.customer = `At most ${limits.customerMaxLength} characters.`;

  if (values.lines.length === 0) errors.items = 'Add at least one line.';
  else if (values.lines.length > limits.maxItems) errors.items = `At most ${limits.maxItems} lines.`;
  values.lines.forEach((line, index) => validateLine(line, index, errors));

  if (values.note.length > limits.noteMaxLength) errors.note = `At most ${limits.noteMaxLength} characters.`;
  return errors;
}

/**
 * Maps one of the service's error keys (customer, items, items[0].sku, items[2], note, ...) onto the form's own
 * keys; what names no field of the form is shown for the whole form.
 */
export function fieldOf(key, lineCount) {
  const name = key.replace(/^\$\./, '');
  const line = /^items\[(\d+)\](?:\.(\w+))?$/i.exec(name);
  if (line) {
    const index = Number(line[1]);
    const field = lineFields.find((candidate) => candidate.key.toLowerCase() === line[2]?.toLowerCase());
    return index < lineCount && field ? lineKey(index, field.key) : 'items';
  }
  return ['customer', 'note', 'items'].find((field) => field === name.toLowerCase()) ?? 'form';
}

function element(tag, properties = {}) {
  return Object.assign(document.createElement(tag), properties);
}

export function setUpOrderForm(form, { onCreated, announce, send = fetch }) {
  const submit = form.querySelector('button[type="submit"]');
  const linesHost = form.querySelector('#lines');
  const addLine = form.querySelector('#add-line');
  const showing = new Set();
  let lineCount = 0;

  function errorOf(key) {
    return form.querySelector(`[data-error-for="${CSS.escape(key)}"]`);
  }

  /** One line's row: three labelled fields with their own error, and a button that removes the line. */
  function lineRow(index, values) {
    const row = element('div', { className: 'line' });
    row.dataset.line = String(index);
    for (const field of lineFields) {
      const key = lineKey(index, field.key);
      const id = `${field.key}-${index}`;
      const wrapper = element('div', { className: field.key === 'sku' ? 'field' : 'field narrow' });
      const label = element('label', { htmlFor: id, textContent: field.label });
      if (index > 0) label.append(element('span', { className: 'visually-hidden', textContent: ` (line ${index + 1})` }));
      const input = element('input', { id, name: key, type: field.type, autocomplete: 'off', required: true, value: values[field.key] });
      if (field.key === 'quantity') Object.assign(input, { inputMode: 'numeric', min: limits.minQuantity, max: limits.maxQuantity, step: 1 });
      if (field.key === 'unitPrice') Object.assign(input, { inputMode: 'decimal', min: limits.minUnitPrice, max: limits.maxUnitPrice, step: 0.01 });
      input.setAttribute('aria-describedby', `${id}-error`);
      const error = element('p', { id: `${id}-error`, className: 'field-error' });
      error.dataset.errorFor = key;
      wrapper.append(label, input, error);
      row.append(wrapper);
    }
    const remove = element('button', { type: 'button', className: 'secondary danger remove-line', textContent: 'Remove' });
    remove.setAttribute('aria-label', `Remove line ${index + 1}`);
    remove.dataset.removeLine = String(index);
    row.append(remove);
    return row;
  }

  /** Lays out the lines again from their values (so they are numbered 1..n) and hides what cannot be used. */
  function renderLines(lines) {
    lineCount = lines.length;
    linesHost.replaceChildren(...lines.map((values, index) => lineRow(index, values)));
    linesHost.classList.toggle('single', lineCount === 1);
    addLine.hidden = lineCount >= limits.maxItems;
    for (const key of [...showing]) if (key.startsWith('items[')) showing.delete(key);
  }

  function currentLines() {
    return read(form, lineCount).lines.map(({ sku, quantity, unitPrice }) => ({ sku, quantity, unitPrice }));
  }

  renderLines([{ sku: 'SKU-1', quantity: '1', unitPrice: '9.99' }]);

  addLine.addEventListener('click', () => {
    if (lineCount >= limits.maxItems) return;
    renderLines([...currentLines(), { sku: '', quantity: '1', unitPrice: '' }]);
    form.elements.namedItem(lineKey(lineCount - 1, 'sku')).focus();
    announce(`Line ${lineCount} added.`);
  });

  linesHost.addEventListener('click', (event) => {
    const button = event.target.closest('[data-remove-line]');
    if (!button || lineCount <= 1) return;
    const index = Number(button.dataset.removeLine);
    const lines = currentLines();
    lines.splice(index, 1);
    renderLines(lines);
    form.elements.namedItem(lineKey(Math.min(index, lineCount - 1), 'sku')).focus();
    announce(`Line ${index + 1} removed.`);
  });

  function keys() {
    const perLine = Array.from({ length: lineCount }, (_, index) => lineFields.map((field) => lineKey(index, field.key))).flat();
    return ['customer', ...perLine, 'items', 'note'];
  }

  function showField(key, message = '') {
    const target = errorOf(key);
    if (!target) return;
    target.textContent = message;
    const input = form.elements.namedItem(key);
    if (input instanceof HTMLInputElement) {
      if (message) input.setAttribute('aria-invalid', 'true');
      else input.removeAttribute('aria-invalid');
    }
    if (message) showing.add(key);
    else showing.delete(key);
  }

  function show(errors) {
    for (const key of [...keys(), 'form']) showField(key, errors[key]);
  }

  function focusFirst(errors) {
    const first = keys().find((key) => errors[key] && form.elements.namedItem(key) instanceof HTMLInputElement);
    if (first) form.elements.namedItem(first).focus();
  }

  // Once a field shows an error it is checked again as it is edited, so the message goes away when it is fixed.
  form.addEventListener('input', (event) => {
    const key = event.target.name;
    if (showing.has(key)) showField(key, validate(read(form, lineCount))[key]);
  });

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (form.getAttribute('aria-busy') === 'true') return; // one request at a time
    const values = read(form, lineCount);
    const errors = validate(values);
    show(errors);
    if (Object.keys(errors).length > 0) {
      focusFirst(errors);
      return;
    }

    const body = {
      customer: values.customer,
      items: values.lines.map((line) => ({ sku: line.sku, quantity: Number(line.quantity), unitPrice: Number(line.unitPrice) })),
      ...(values.note ? { note: values.note } : {}),
    };

    // aria-disabled rather than disabled, which would drop the focus of whoever pressed the button.
    submit.setAttribute('aria-disabled', 'true');
    form.setAttribute('aria-busy', 'true');
    try {
      const response = await send('/api/orders', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
        body: JSON.stringify(body),
      });
      if (response.status === 201) {
        const order = await response.json();
        form.elements.namedItem('customer').value = '';
        form.elements.namedItem('note').value = '';
        onCreated(order);
        announce(`Order created for ${order.customer}.`);
        form.elements.namedItem('customer').focus();
        return;
      }
      if (response.status === 401) return; // the session has ended: the page shows the sign-in form
      const problem = await response.json().catch(() => ({}));
      const fromServer = {};
      for (const [key, messages] of Object.entries(problem.errors ?? {})) {
        const field = fieldOf(key, lineCount);
        fromServer[field] = [fromServer[field], ...[].concat(messages)].filter(Boolean).join(' ');
      }
      if (Object.keys(fromServer).length === 0) {
        fromServer.form = [problem.title ?? `The order was refused (${response.status}).`, problem.detail].filter(Boolean).join(' ');
      }
      show(fromServer);
      focusFirst(fromServer);
    } catch {
      show({ form: 'The service could not be reached. Try again in a moment.' });
    } finally {
      submit.removeAttribute('aria-disabled');
      form.removeAttribute('aria-busy');
    }
  });
}
