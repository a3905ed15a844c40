/** The proxy's route table (`RouteTable`). */
export const GATEWAY_ROUTES = Symbol('GATEWAY_ROUTES');
