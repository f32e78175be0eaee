/** The service interface between {@code zloop.api} and an engine. */
package zloop.spi;
