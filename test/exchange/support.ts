/** Driving exchanges as an organiser and as participants: the helpers live in testkit/, shared with the history recorder. */
export {
  act,
  type ExchangeQuery,
  iso,
  linksFrom,
  ORGANISER_TOKEN,
  openPage,
  organiser,
  PUBLIC_URL,
  startExchange,
  untilView,
  view,
} from '../../testkit/exchanges';
