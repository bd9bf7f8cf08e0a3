/**
 * Spring Security: form login for the admin user, the donor page and API open.
 */
@NullMarked
package dev.procreg.demo.security;

import org.jspecify.annotations.NullMarked;
