// The limits of an order, as CreateOrderCommandValidator enforces them. The form reads them from here and nowhere
// else; a functional test compares this object with the validator's constants, so the two cannot drift apart. The
// object is plain JSON on purpose: that test reads it without running any script.

export const limits = Object.freeze({
  "customerMaxLength": 100,
  "maxItems": 50,
  "skuMaxLength": 64,
  "minQuantity": 1,
  "maxQuantity": 1000,
  "minUnitPrice": 0,
  "maxUnitPrice": 1000000000000,
  "noteMaxLength": 500
});
