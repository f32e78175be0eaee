/** Example programs. Like any user, they need only {@code zloop.api}. */
module zloop.examples {
  requires zloop.api;
}
