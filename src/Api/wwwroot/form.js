// The new-order form: the same rules as the service, checked before sending, and the service's own
// ValidationProblemDetails shown next to the fields they name when it refuses anyway.

export const limits = { customer: 100, sku: 64, quantityMin: 1, quantityMax: 1000, note: 500, unitPriceMax: 1e12 };

const fields = ['customer', 'sku', 'quantity', 'unitPrice', 'note'];

/** The form's values as the request will carry them (trimmed text; numbers still as typed). */
function read(form) {
  const value = (name) => form.elements[name].value;
  return {
    customer: value('customer').trim(),
    sku: value('sku').trim(),
    quantity: value('quantity').trim(),
    unitPrice: value('unitPrice').trim(),
    note: value('note').trim(),
    badInput: Object.fromEntries(['quantity', 'unitPrice'].map((name) => [name, form.elements[name].validity.badInput])),
  };
}

/** The rules of CreateOrderCommandValidator, field by field; returns { field: message } for each broken one. */
export function validate(values) {
  const errors = {};
  if (!values.customer) errors.customer = 'Enter the customer.';
  else if (values.customer.length > limits.customer) errors.customer = `At most ${limits.customer} characters.`;

  if (!values.sku) errors.sku = 'Enter the SKU.';
  else if (values.sku.length > limits.sku) errors.sku = `At most ${limits.sku} characters.`;

  const quantity = Number(values.quantity);
  if (values.badInput.quantity || (values.quantity !== '' && !Number.isInteger(quantity))) errors.quantity = 'Enter a whole number.';
  else if (values.quantity === '') errors.quantity = 'Enter the quantity.';
  else if (quantity < limits.quantityMin || quantity > limits.quantityMax) errors.quantity = `Between ${limits.quantityMin} and ${limits.quantityMax}.`;

  const unitPrice = Number(values.unitPrice);
  if (values.badInput.unitPrice || (values.unitPrice !== '' && !Number.isFinite(unitPrice))) errors.unitPrice = 'Enter a number.';
  else if (values.unitPrice === '') errors.unitPrice = 'Enter the unit price.';
  else if (unitPrice < 0) errors.unitPrice = 'Cannot be negative.';
  else if (unitPrice > limits.unitPriceMax) errors.unitPrice = 'That price is too high.';

  if (values.note.length > limits.note) errors.note = `At most ${limits.note} characters.`;
  return errors;
}

/** Maps the service's error keys (customer, items[0].sku, note, ...) onto the form's fields. */
export function fieldOf(key) {
  const name = key.replace(/^items\[\d+\]\./i, '').replace(/^\$\./, '');
  const match = fields.find((field) => field.toLowerCase() === name.toLowerCase());
  return match ?? 'form';
}

export function setUpOrderForm(form, { onCreated, announce, send = fetch }) {
  const submit = form.querySelector('button[type="submit"]');
  const showing = new Set();

  function showField(name, message = '') {
    form.querySelector(`[data-error-for="${name}"]`).textContent = message;
    const input = form.elements[name];
    if (input instanceof HTMLInputElement) {
      if (message) input.setAttribute('aria-invalid', 'true');
      else input.removeAttribute('aria-invalid');
    }
    if (message) showing.add(name);
    else showing.delete(name);
  }

  function show(errors) {
    for (const name of [...fields, 'form']) showField(name, errors[name]);
  }

  function focusFirst(errors) {
    const first = fields.find((name) => errors[name]);
    if (first) form.elements[first].focus();
  }

  // Once a field shows an error it is checked again as it is edited, so the message goes away when it is fixed.
  form.addEventListener('input', (event) => {
    const name = event.target.name;
    if (showing.has(name)) showField(name, validate(read(form))[name]);
  });

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (form.getAttribute('aria-busy') === 'true') return; // one request at a time
    const values = read(form);
    const errors = validate(values);
    show(errors);
    if (Object.keys(errors).length > 0) {
      focusFirst(errors);
      return;
    }

    const body = {
      customer: values.customer,
      items: [{ sku: values.sku, quantity: Number(values.quantity), unitPrice: Number(values.unitPrice) }],
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
        form.elements.customer.value = '';
        form.elements.note.value = '';
        onCreated(order);
        announce(`Order created for ${order.customer}.`);
        form.elements.customer.focus();
        return;
      }
      if (response.status === 401) return; // the session has ended: the page shows the sign-in form
      const problem = await response.json().catch(() => ({}));
      const fromServer = {};
      for (const [key, messages] of Object.entries(problem.errors ?? {})) {
        const field = fieldOf(key);
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
