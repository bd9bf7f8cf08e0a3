/**
 * The demo donation application: the source document's donation platform run with the process
 * registry on Spring Boot.
 */
@NullMarked
package dev.procreg.demo;

import org.jspecify.annotations.NullMarked;
