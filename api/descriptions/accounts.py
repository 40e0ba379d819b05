"""Descriptions: accounts, sessions, partner tokens, organizations and roles."""

from __future__ import annotations

DESCRIPTIONS: dict[str, str] = {
    # --- the caller ---
    "Viewer.kind": "A signed-in user or a partner token.",
    "ViewerToken.name": "The name its creator gave it.",
    "ViewerToken.expiresAt": "When it stops working.",
    "Viewer.dataAccessLog(first)": "How many entries: 1 to 100.",
    "Viewer.loginHistory(first)": "How many attempts: 1 to 100.",
    "ViewerKind.USER": "A person signed in with the session cookie.",
    "ViewerKind.PARTNER_TOKEN": "An integration calling with a bearer partner token.",
    "Query.organization": (
        "An organization by global id; null with NOT_FOUND if there is none you may read."
    ),
    "Query.organization(id)": "The organization's global id.",
    "Query.user(id)": "The user's global id.",
    "Query.partnerTokens(organizationId)": "The organization's global id.",
    "Query.organizations": "Organizations you may see, newest first.",
    # --- users, sessions, sign-in history ---
    "User.locale": "Language of messages, a BCP 47 tag such as `en-IN`.",
    "User.createdAt": "When the account was created.",
    "WebSession.createdAt": "When this session signed in.",
    "WebSession.lastSeenAt": "The session's latest request.",
    "WebSession.expiresAt": "When it ends unless used again.",
    "LoginEvent.outcome": "How the attempt ended.",
    "LoginEvent.createdAt": "When it happened.",
    "LoginOutcome": "How a sign-in attempt ended.",
    "LoginOutcome.SUCCESS": "Signed in.",
    "LoginOutcome.BAD_CREDENTIALS": "Wrong username or password.",
    "LoginOutcome.MFA_REQUIRED": "Right password; a second factor was asked for.",
    "LoginOutcome.MFA_FAILED": "A wrong second factor.",
    "LoginOutcome.LOCKED": "Refused: too many failures (the account or address is locked out).",
    # --- sessions and passwords ---
    "SessionCreateInput": "A username and password.",
    "SessionCreateInput.username": "The username (NFKC-normalized, trimmed, lower case).",
    "SessionCreateInput.password": "The password.",
    "SessionPayload.mfaRequired": "The password was right and a second factor is due.",
    "SessionPayload.retryAfterSeconds": "With RATE_LIMITED: seconds until the next try.",
    "Mutation.sessionVerifyMfa(challenge)": "The `mfaChallenge` of `sessionCreate`.",
    "Mutation.sessionVerifyMfa(code)": "A six-digit TOTP code, or a recovery code.",
    "Mutation.sessionReauthenticate(password)": "Your password.",
    "Mutation.sessionReauthenticate(code)": "With MFA on: a current TOTP or recovery code.",
    "Mutation.sessionRevoke(id)": (
        "A session's global id (`viewer.sessions`); omit to sign this browser out."
    ),
    "UserSignUpInput": "A new account; nothing is stored unless `adultAttested` is true.",
    "UserSignUpInput.username": "A public handle, unique (a taken one is CONFLICT).",
    "UserSignUpInput.email": "Where the confirmation link is sent.",
    "UserSignUpInput.password": (
        "10 to 256 characters, not a common password, not containing your username or email."
    ),
    "UserSignUpInput.fullName": "Your full name.",
    "UserSignUpInput.country": "Country, ISO 3166-1 alpha-2.",
    "UserSignUpInput.phone": "Optional phone number.",
    "UserSignUpInput.locale": ("Language of messages (BCP 47)."),
    "Mutation.userSignUpConfirm(token)": (
        "The token from the emailed link (INVALID_TOKEN if used or expired)."
    ),
    "Mutation.userSignUpConfirm(password)": "The password given at sign-up.",
    "Mutation.passwordChange(newPassword)": (
        "The new password: 10 to 256 characters, not a common one."
    ),
    "Mutation.passwordResetRequest(email)": "The account's email address.",
    "Mutation.passwordResetComplete(token)": "The token from the emailed link.",
    "Mutation.emailChangeConfirm(token)": "The token from the link mailed to the new address.",
    "Mutation.passwordResetComplete(newPassword)": (
        "The new password: 10 to 256 characters, not a common one."
    ),
    # --- MFA ---
    "Mutation.mfaEnrollStart": (
        "Start adding an authenticator (TOTP): answers a secret to add to the app. Needs a "
        "recent sign-in."
    ),
    "Mutation.mfaEnrollConfirm": (
        "Finish adding the authenticator with a current code; answers the recovery codes."
    ),
    "Mutation.mfaEnrollConfirm(code)": "A six-digit code from the authenticator app.",
    "Mutation.mfaDisable(code)": "A current TOTP code or a recovery code.",
    "MfaEnrollment.secret": "The TOTP secret (base32), shown only now.",
    "MfaEnrollment.provisioningUri": "The same secret as an `otpauth://` URI (for a QR code).",
    # --- partner tokens ---
    "PartnerToken.name": "What its creator called it.",
    "PartnerToken.prefix": "The start of its secret, to recognise it (never the secret).",
    "PartnerToken.scopes": "What it may do (e.g. `orders:read`), within its creator's role.",
    "PartnerToken.createdAt": "When it was created.",
    "PartnerToken.expiresAt": "When it stops working.",
    "PartnerToken.lastUsedAt": "Its latest request, if any.",
    "PartnerToken.revokedAt": "When it was revoked; null while it works.",
    "PartnerTokenCreateInput": "A new token for one organization; needs a recent sign-in.",
    "PartnerTokenCreateInput.organizationId": "The organization's global id.",
    "PartnerTokenCreateInput.name": "A name to recognise it by.",
    "PartnerTokenCreateInput.expiresInDays": "Days until it expires, 1 to 365.",
    "Mutation.partnerTokenRevoke(id)": "The token's global id.",
    # --- organizations ---
    "Organization.legalName": "The registered name.",
    "Organization.tradeName": "The name it trades under, if different.",
    "Organization.addressLine1": "Registered address, first line.",
    "Organization.addressLine2": "Registered address, second line.",
    "Organization.city": "City.",
    "Organization.state": "State (the GST place of business).",
    "Organization.postalCode": "Postal code (PIN in India).",
    "Organization.country": "Country, ISO 3166-1 alpha-2.",
    "Organization.createdAt": "When it was created in Mandi.",
    "OrganizationCreateInput": "A new seller organization.",
    "OrganizationCreateInput.legalName": "The registered name.",
    "OrganizationCreateInput.tradeName": "The name it trades under, if different.",
    "OrganizationCreateInput.gstin": "GST identification number (15 characters), if any.",
    "OrganizationCreateInput.addressLine1": "Registered address, first line.",
    "OrganizationCreateInput.addressLine2": "Registered address, second line.",
    "OrganizationCreateInput.city": "City.",
    "OrganizationCreateInput.state": "State.",
    "OrganizationCreateInput.postalCode": "Postal code.",
    "OrganizationCreateInput.country": "Country, ISO 3166-1 alpha-2.",
    "OrganizationUpdateInput.id": "The organization's global id.",
    "OrganizationUpdateInput.legalName": "The registered name.",
    "OrganizationUpdateInput.tradeName": "The name it trades under.",
    "OrganizationUpdateInput.gstin": "GST identification number (15 characters).",
    "OrganizationUpdateInput.addressLine1": "Registered address, first line.",
    "OrganizationUpdateInput.addressLine2": "Registered address, second line.",
    "OrganizationUpdateInput.city": "City.",
    "OrganizationUpdateInput.state": "State.",
    "OrganizationUpdateInput.postalCode": "Postal code.",
    "OrganizationUpdateInput.country": "Country, ISO 3166-1 alpha-2.",
    # --- roles ---
    "Membership.role": "The role held.",
    "Membership.organization": "The organization it is held in.",
    "OrganizationMember.role": "The role held.",
    "OrganizationMember.createdAt": "Since when.",
    "OrganizationMember.organization": "The organization.",
    "PlatformRoleAssignment.role": "The platform role held.",
    "PlatformRoleAssignment.createdAt": "Since when.",
    "PlatformRoleAssignment.userId": "The holder's user global id.",
    "OrgRole": (
        "A role in an organization; each includes the rights of those below it: owner > admin "
        "> manager > staff > viewer."
    ),
    "OrgRole.OWNER": "Everything, including roles and tokens; an organization keeps one.",
    "OrgRole.ADMIN": "Runs the organization: roles, tokens, marketplace connections.",
    "OrgRole.MANAGER": "Catalogue, stock, orders, marketplace syncs.",
    "OrgRole.STAFF": "Day-to-day fulfilment: stock, order statuses, shipments.",
    "OrgRole.VIEWER": "Reads the organization's business data.",
    "PlatformRole": "A role of Mandi's own people (never of a token).",
    "PlatformRole.PLATFORM_ADMIN": "Runs the platform and gives platform roles.",
    "PlatformRole.SUPPORT_AGENT": "Answers tickets; sees personal data only under an access grant.",
    "PlatformRole.SECURITY_REVIEWER": "Reads the audit log, never personal values.",
    "PlatformRole.PRIVACY_OFFICER": "Handles privacy requests, legal holds and breaches.",
    "OrganizationRoleGrantInput.organizationId": "The organization's global id.",
    "OrganizationRoleGrantInput.role": "The role to give.",
    "OrganizationRoleGrantInput.userId": "The user's global id.",
    "OrganizationRoleGrantInput.username": "Or the user's username.",
    "OrganizationRoleRevokeInput.organizationId": "The organization's global id.",
    "OrganizationRoleRevokeInput.userId": "The member's user global id.",
    "OrganizationRoleRevokeInput.username": "Or the member's username.",
    "PlatformRoleInput.role": "The platform role.",
    "PlatformRoleInput.userId": "The user's global id.",
    "PlatformRoleInput.username": "Or the user's username.",
    "Query.organizationMembers(organizationId)": "The organization's global id.",
}
