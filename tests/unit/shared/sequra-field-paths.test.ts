import { describe, expect, it } from 'vitest';
import { formFieldForSequraReason, formFieldsForSequraReasons } from '../../../shared/order/sequra-field-paths.ts';

describe('SeQura reasons → form fields', () => {
  it('maps the payload paths SeQura names to the fields the cashier typed', () => {
    expect(formFieldForSequraReason('Invalid data: customer.email has an invalid format')).toBe('shopper.email');
    expect(formFieldForSequraReason('Invalid data: customer.nin_control is required')).toBe('shopper.ninControl');
    expect(formFieldForSequraReason('Invalid data: customer.nin has an invalid value')).toBe('shopper.nin');
    expect(formFieldForSequraReason('Invalid data: delivery_address.mobile_phone has an invalid format')).toBe(
      'shopper.mobile',
    );
    expect(formFieldForSequraReason("Invalid data: invoice_address.postal_code can't be blank")).toBe(
      'shopper.address.postalCode',
    );
    expect(
      formFieldForSequraReason(
        "Invalid data: items' total_with_tax add up to 5055 (200+295+-1500+6060) but order_total_with_tax is 5097. The diff is 42.",
      ),
    ).toBe('cart.lines');
  });

  it('leaves reasons it cannot place to the general message', () => {
    expect(formFieldForSequraReason('Invalid data: platform.uname is required')).toBeNull();
    expect(formFieldForSequraReason("Bad merchant id 'x' for user")).toBeNull();
    expect(
      formFieldsForSequraReasons([
        'Invalid data: customer.email has an invalid format',
        'Invalid data: customer.email is required',
        'other',
      ]),
    ).toEqual({
      'shopper.email': 'sequra_rejected',
    });
  });
});
