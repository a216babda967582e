// egov
