// The installed connectors, one line each: `npm run connector:new` prints the line to add for a new one.
export { shopify } from './shopify/index.js';
export { woocommerce } from './woocommerce/index.js';
export { lightspeedEcom } from './lightspeed-ecom/index.js';
export { lightspeedRetail } from './lightspeed-retail/index.js';
export { square } from './square/index.js';
export { copernica } from './copernica/index.js';
export { mailchimp } from './mailchimp/index.js';
export { klaviyo } from './klaviyo/index.js';
export { squeezely } from './squeezely/index.js';
export { selligent } from './selligent/index.js';
