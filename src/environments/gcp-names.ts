/**
 * Shapes of the names GCP accepts. They are checked at compile so a typo is a located error, not
 * a failed call in the cloud; they also keep Jinja and quoting characters out of templated fields.
 */
export const GCP_PROJECT = /^[a-z][-a-z0-9]{4,28}[a-z0-9]$/;
export const GCP_PROJECT_TEXT =
  "a GCP project id (6 to 30 lowercase letters, digits and hyphens, starting with a letter)";
export const GCP_REGION = /^[a-z]+-[a-z]+[0-9]+$/;
export const GCP_REGION_TEXT = "a GCP region such as europe-west1";
export const SERVICE_ACCOUNT = /^[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+$/;
export const SERVICE_ACCOUNT_TEXT = "one service account email";
