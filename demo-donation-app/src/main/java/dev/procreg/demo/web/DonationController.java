package dev.procreg.demo.web;

import java.util.List;

import org.jspecify.annotations.Nullable;

import dev.procreg.demo.donation.Donation;
import dev.procreg.demo.donation.InvalidInputException;
import dev.procreg.demo.donor.DonorService;

import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * Lists donations from storage.
 */
@RestController
public class DonationController {

	private final DonorService donors;

	public DonationController(DonorService donors) {
		this.donors = donors;
	}

	/**
	 * @param donorId the donor, required
	 * @return the donor's latest 100 donations, newest first
	 */
	@GetMapping(path = "/api/donations", produces = MediaType.APPLICATION_JSON_VALUE)
	public List<Donation> donations(@RequestParam(required = false) @Nullable String donorId) {
		if (donorId == null) {
			throw new InvalidInputException("donorId", "donorId is required");
		}
		return this.donors.donations(donorId);
	}

}
