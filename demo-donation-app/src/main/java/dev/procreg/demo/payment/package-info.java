/**
 * Payment workers: a process group under a supervisor; a crash is survived and the donation retried.
 */
@NullMarked
package dev.procreg.demo.payment;

import org.jspecify.annotations.NullMarked;
