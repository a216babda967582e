"""The pages: the applicant pays by VietQR or through the sandbox gateway and downloads the
receipt; another applicant's dossier is not found; the desk sees paid/unpaid on the dossier page
and confirms a transfer; paid/unpaid of many dossiers costs the same queries as of one."""

import re
import shutil
import subprocess

import pytest

from apps.dossiers.actions import dossier_receive
from apps.payments.actions import payment_create, payment_settle
from apps.payments.models import Method, Payment, SandboxTransaction, State
from apps.payments.selectors import PaymentState, payment_states

pytestmark = pytest.mark.django_db


def pay_url(dossier) -> str:
    return f"/thanh-toan/ho-so/{dossier.uuid}/"


def test_the_applicant_sees_the_amount_and_the_methods(client, world, lodge):
    dossier = lodge()
    client.force_login(world.applicant)

    response = client.get(pay_url(dossier))

    html = response.content.decode()
    assert response.status_code == 200
    assert "Lệ phí cấp giấy phép xây dựng" in html and "100.000 đ" in html
    assert 'value="vietqr"' in html and 'value="gateway"' in html


@pytest.mark.parametrize("who", ["other_applicant", "outsider", "anonymous"])
def test_another_persons_dossier_is_not_found(client, world, lodge, who):
    dossier = lodge()
    if who != "anonymous":
        client.force_login(getattr(world, who))

    get = client.get(pay_url(dossier))
    post = client.post(pay_url(dossier), {"hinh_thuc": "gateway"})

    if who == "anonymous":
        assert get.status_code == 302 and "/tai-khoan/dang-nhap/" in get["Location"]
    else:
        assert get.status_code == post.status_code == 404
    assert not Payment.objects.exists()


def test_paying_by_vietqr_shows_the_code_and_the_transfer_text(client, world, lodge):
    dossier = lodge()
    client.force_login(world.applicant)

    response = client.post(pay_url(dossier), {"hinh_thuc": "vietqr"}, follow=True)

    payment = Payment.objects.get()
    html = response.content.decode()
    assert payment.method == Method.VIETQR and payment.state == State.PENDING
    assert 'src="data:image/svg+xml' in html
    assert "113000006868" in html and payment.bill_number in html


def test_a_double_submit_makes_one_payment(client, world, lodge):
    dossier = lodge()
    client.force_login(world.applicant)

    client.post(pay_url(dossier), {"hinh_thuc": "gateway"})
    client.post(pay_url(dossier), {"hinh_thuc": "gateway"})

    assert Payment.objects.count() == 1


@pytest.mark.parametrize("choice", ["", "tien-mat"], ids=["nothing-chosen", "tampered-choice"])
def test_a_bad_method_is_refused_in_vietnamese(client, world, lodge, choice):
    client.force_login(world.applicant)

    response = client.post(pay_url(lodge()), {"hinh_thuc": choice})

    assert response.status_code == 400
    assert "Hãy chọn hình thức thanh toán." in response.text or "không hợp lệ" in response.text
    assert not Payment.objects.exists()


def test_paying_through_the_sandbox_gateway_end_to_end(client, world, lodge):
    dossier = lodge()
    client.force_login(world.applicant)

    to_gateway = client.post(pay_url(dossier), {"hinh_thuc": "gateway"})
    gateway_page = client.get(to_gateway["Location"])
    back = client.post(to_gateway["Location"], {"ket_qua": "paid"})
    result = client.get(back["Location"])

    payment = Payment.objects.get()
    assert to_gateway.status_code == 302 and to_gateway["Location"].startswith("/thanh-toan/cong-thu-nghiem/SBX")
    assert gateway_page.status_code == 200 and payment.bill_number in gateway_page.text
    assert back["Location"] == f"http://testserver/thanh-toan/ho-so/{dossier.uuid}/ket-qua/"
    assert payment.state == State.PAID and payment.settled_by == "callback"
    assert "Đã thanh toán" in result.text and f"/thanh-toan/bien-nhan/{payment.uuid}/" in result.text


def test_leaving_the_sandbox_payment_pending_sends_no_callback(client, world, lodge):
    client.force_login(world.applicant)
    to_gateway = client.post(pay_url(lodge()), {"hinh_thuc": "gateway"})

    client.post(to_gateway["Location"], {"ket_qua": "pending"})

    assert Payment.objects.get().state == State.PENDING
    assert SandboxTransaction.objects.get().status == "pending"


def test_the_sandbox_is_absent_when_another_gateway_is_configured(client, world, lodge, settings):
    payment = payment_create(actor=world.applicant, dossier=lodge(), method=Method.GATEWAY)
    settings.PAYMENT_GATEWAY = "none"

    assert client.get(payment.redirect_url).status_code == 404


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler's pdftotext is not installed")
def test_the_receipt_pdf_says_who_paid_what_for_which_dossier(client, world, lodge, tmp_path):
    dossier = dossier_receive(actor=world.desk, dossier=lodge())
    payment = payment_create(actor=world.applicant, dossier=dossier, method=Method.GATEWAY)
    payment_settle(actor=None, payment=payment, amount=100_000, source="callback", reference=payment.gateway_reference)
    client.force_login(world.applicant)

    response = client.get(f"/thanh-toan/bien-nhan/{payment.uuid}/")

    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    pdf = tmp_path / "receipt.pdf"
    pdf.write_bytes(response.content)
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    flat = re.sub(r"\s+", " ", text)
    assert "BIÊN NHẬN THANH TOÁN PHÍ, LỆ PHÍ" in flat
    assert payment.bill_number in flat
    assert "Đặng Quốc Khánh" in flat
    assert dossier.code in flat
    assert "100.000 đ" in flat
    assert "Một trăm nghìn đồng" in flat
    assert "SỞ XÂY DỰNG" in flat


def test_no_receipt_before_payment_nor_for_someone_else(client, world, lodge):
    payment = payment_create(actor=world.applicant, dossier=lodge(), method=Method.GATEWAY)
    client.force_login(world.applicant)
    unpaid = client.get(f"/thanh-toan/bien-nhan/{payment.uuid}/")
    payment_settle(actor=None, payment=payment, amount=100_000, source="callback")
    client.force_login(world.other_applicant)
    stranger = client.get(f"/thanh-toan/bien-nhan/{payment.uuid}/")
    client.force_login(world.outsider)
    outsider = client.get(f"/thanh-toan/bien-nhan/{payment.uuid}/")

    assert unpaid.status_code == stranger.status_code == outsider.status_code == 404


def test_the_desk_sees_paid_or_unpaid_on_the_dossier_page(client, world, lodge):
    dossier = lodge()
    client.force_login(world.desk)
    unpaid = client.get(f"/lam-viec/ho-so/{dossier.uuid}/")
    payment = payment_create(actor=world.applicant, dossier=dossier, method=Method.GATEWAY)
    payment_settle(actor=None, payment=payment, amount=100_000, source="callback")

    paid = client.get(f"/lam-viec/ho-so/{dossier.uuid}/")

    assert unpaid.status_code == paid.status_code == 200
    assert "Chưa thanh toán" in unpaid.text
    assert "Đã thanh toán" in paid.text and payment.bill_number in paid.text
    assert f"/thanh-toan/bien-nhan/{payment.uuid}/" in paid.text


def test_the_desk_confirms_a_transfer_seen_on_the_statement(client, world, lodge):
    dossier = lodge()
    payment = payment_create(actor=world.applicant, dossier=dossier, method=Method.VIETQR)
    client.force_login(world.desk)

    refused = client.post(f"/thanh-toan/xac-nhan-chuyen-khoan/{payment.uuid}/", {"ma_giao_dich": " "}, follow=True)
    payment.refresh_from_db()
    assert payment.state == State.PENDING and "Cần ghi mã giao dịch" in refused.text

    response = client.post(f"/thanh-toan/xac-nhan-chuyen-khoan/{payment.uuid}/", {"ma_giao_dich": "FT2633100001"})

    payment.refresh_from_db()
    assert response.status_code == 302
    assert payment.state == State.PAID and payment.settled_by == "desk"
    assert payment.gateway_reference == "FT2633100001"


def test_an_official_of_another_agency_cannot_confirm(client, world, lodge):
    payment = payment_create(actor=world.applicant, dossier=lodge(), method=Method.VIETQR)
    client.force_login(world.outsider)

    response = client.post(f"/thanh-toan/xac-nhan-chuyen-khoan/{payment.uuid}/", {"ma_giao_dich": "FT1"})

    payment.refresh_from_db()
    assert response.status_code == 404 and payment.state == State.PENDING


def test_paid_or_unpaid_of_many_dossiers_costs_the_same_queries_as_of_few(world, lodge, django_assert_num_queries):
    few = [lodge(), lodge(procedure=world.free_procedure)]
    many = [lodge() for _ in range(8)]
    for dossier in many[:3]:
        payment = payment_create(actor=world.applicant, dossier=dossier, method=Method.GATEWAY)
        payment_settle(actor=None, payment=payment, amount=100_000, source="callback")
    payment_create(actor=world.applicant, dossier=many[3], method=Method.VIETQR)

    with django_assert_num_queries(2):
        payment_states(few)
    with django_assert_num_queries(2):
        states = payment_states(many + few)

    assert [states[d.pk] for d in many[:5]] == [
        PaymentState.PAID,
        PaymentState.PAID,
        PaymentState.PAID,
        PaymentState.PENDING,
        PaymentState.UNPAID,
    ]
    assert states[few[1].pk] == PaymentState.FREE
    with django_assert_num_queries(3):
        by_id = payment_states([d.pk for d in many + few])
    assert by_id == states


def test_a_decided_sandbox_transaction_cannot_be_decided_again(client, world, lodge):
    client.force_login(world.applicant)
    to_gateway = client.post(pay_url(lodge()), {"hinh_thuc": "gateway"})
    client.post(to_gateway["Location"], {"ket_qua": "failed"})

    again = client.post(to_gateway["Location"], {"ket_qua": "paid"})

    assert again.status_code == 400
    assert Payment.objects.get().state == State.FAILED
    assert SandboxTransaction.objects.get().status == "failed"


def test_a_tampered_sandbox_choice_is_refused(client, world, lodge):
    client.force_login(world.applicant)
    to_gateway = client.post(pay_url(lodge()), {"hinh_thuc": "gateway"})

    response = client.post(to_gateway["Location"], {"ket_qua": "paid-twice"})

    assert response.status_code == 400 and "Kết quả không hợp lệ." in response.text
    assert Payment.objects.get().state == State.PENDING


def test_a_handler_is_not_the_desk_and_cannot_confirm_a_transfer(world, lodge):
    from apps.payments.actions import payment_confirm_transfer
    from apps.payments.errors import PaymentError

    dossier = dossier_receive(actor=world.desk, dossier=lodge())
    payment = payment_create(actor=world.applicant, dossier=dossier, method=Method.VIETQR)

    with pytest.raises(PaymentError, match="Chỉ cán bộ một cửa"):
        payment_confirm_transfer(actor=world.handler, payment=payment, bank_reference="FT1")

    payment.refresh_from_db()
    assert payment.state == State.PENDING


def test_the_list_tags_render_paid_or_unpaid_per_row(world, lodge):
    from django.template import Context, Template

    paid, unpaid = lodge(), lodge()
    payment = payment_create(actor=world.applicant, dossier=paid, method=Method.GATEWAY)
    payment_settle(actor=None, payment=payment, amount=100_000, source="callback")
    template = Template(
        "{% load payments %}{% payment_states rows as states %}"
        "{% for d in rows %}[{{ states|payment_state_of:d.pk }}]{% endfor %}"
    )

    assert template.render(Context({"rows": [paid, unpaid]})) == "[Đã thanh toán][Chưa thanh toán]"


def test_the_desk_makes_a_vietqr_bill_the_applicant_scans_at_the_counter(client, world, lodge):
    dossier = lodge()
    client.force_login(world.desk)
    before = client.get(f"/lam-viec/ho-so/{dossier.uuid}/")

    response = client.post(f"/thanh-toan/lap-hoa-don/{dossier.uuid}/", follow=True)

    payment = Payment.objects.get()
    assert "Lập hóa đơn VietQR 100.000 đ" in before.text
    assert payment.method == Method.VIETQR and payment.amount == 100_000
    assert f"Hóa đơn {payment.bill_number}" in response.text
    assert 'src="data:image/svg+xml' in response.text


def test_an_official_of_another_agency_cannot_make_a_bill(client, world, lodge):
    client.force_login(world.outsider)

    response = client.post(f"/thanh-toan/lap-hoa-don/{lodge().uuid}/")

    assert response.status_code == 404 and not Payment.objects.exists()
