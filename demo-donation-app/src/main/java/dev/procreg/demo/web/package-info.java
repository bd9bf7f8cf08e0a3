/**
 * The JSON API for donors and donations.
 */
@NullMarked
package dev.procreg.demo.web;

import org.jspecify.annotations.NullMarked;
