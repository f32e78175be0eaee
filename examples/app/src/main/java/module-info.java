/** An application on zloop: it requires the API only; the engine and backends come at run time. */
module example.app {
  requires zloop.api;
}
