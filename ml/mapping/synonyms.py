"""Header words for each canonical column, in English, German, French, Spanish,
Dutch, Italian and Portuguese, and SAP's technical field names.

Each entry is "phrase" (strength 1.0) or "phrase=strength": how surely a header
that *is* this phrase means the canonical column. Phrases are normalised like
headers (accents, case, punctuation), so "quantité", "Quantite" and "QUANTITE"
are one entry. Generic words ("date", "price", "name") get lower strength than
specific ones ("order date", "unit price"), so a file with both picks the
specific one.
"""

from __future__ import annotations

from ml.columns import Columns

_C = Columns

_RAW: dict[str, dict[str, str]] = {
    _C.CUSTOMER: {
        "en": "sold to party; sold to; sold to customer=0.95; bill to customer=0.9; "
        "bill to=0.8; "
        "customer account; household key; household id; household=0.85; "
        "member number; member=0.8; membership number=0.9; loyalty card=0.9; "
        "loyalty card number; loyalty number=0.9; card number=0.75; shopper=0.8; "
        "username=0.75; buyer username; organization=0.69; organisation=0.69; "
        "company=0.65; reviewer=0.85; reviewer email=0.9; nickname=0.7; "
        "customer id; customer number; customer code; customer key; cust id; "
        "customer=0.9; client id; client number; client=0.85; account id=0.95; "
        "account number=0.9; account=0.7; account name=0.75; buyer id=0.95; "
        "buyer=0.8; member id=0.9; user id=0.8; contact id=0.85; shopper id=0.95; "
        "customer email=0.85; email=0.7; email address=0.7; e mail=0.7; "
        "customer name=0.7; purchaser=0.8; customer user id=0.9",
        "de": "auftraggeber=0.95; debitor number; verkauf an debitor; "
        "haushalt=0.85; haushalt key; "
        "haushalt id; haushaltsnummer; kundenkarte=0.85; kundenkartennummer; "
        "mitglied=0.8; mitglied id; "
        "kunde=0.9; kunden=0.85; kundennummer; kundennr; kunden id; kundenid; "
        "kundenname=0.7; kaufer=0.8; kaufer id=0.95; mitgliedsnummer=0.8; "
        "debitor=0.8; debitorennummer=0.9; kunden email=0.85",
        "fr": "client=0.85; reference client; carte de fidelite=0.85; "
        "numero de carte de fidelite; adherent=0.8; numero adherent; foyer=0.8; "
        "numero client; id client; code client; identifiant client; "
        "nom client=0.7; acheteur=0.8; courriel=0.6; email client=0.85",
        "es": "socio=0.8; numero de socio; tarjeta de fidelizacion=0.85; hogar=0.8; "
        "cliente=0.9; id cliente; numero de cliente; codigo de cliente; "
        "nombre del cliente=0.7; comprador=0.8; correo electronico=0.6",
        "nl": "debiteur=0.85; debiteurnummer; klantenkaart=0.85; lidnummer; "
        "huishouden=0.8; "
        "klant=0.9; klantnummer; klantnr; klant id; klantcode; klantnaam=0.7; "
        "koper=0.8",
        "it": "cliente=0.9; codice cliente; id cliente; numero cliente; "
        "nome cliente=0.7; acquirente=0.8; socio=0.8; numero tessera=0.9; "
        "tessera fedelta=0.85; carta fedelta=0.85",
        "pt": "cliente=0.9; codigo do cliente; id do cliente; numero do cliente; "
        "nome do cliente=0.7; comprador=0.8; consumidor=0.8; cartao fidelidade=0.85; "
        "socio=0.8",
        "erp": "kunnr=0.95; kunag=0.95",
    },
    _C.OFFERING: {
        "en": "offer id=0.9; offer code=0.9; offer=0.8; "
        "item key=0.9; product key=0.9; plu=0.85; plu code; upc code=0.9; "
        "ean code=0.9; barcode=0.7; material code=0.9; asin=0.85; "
        "product id; product code; product number; sku; item id=0.95; "
        "item code; item number=0.95; article id; article number; stock code; "
        "part number=0.9; product=0.8; item=0.7; article=0.8; variant id=0.8; "
        "material number=0.85; material=0.6; offering id; offering=0.9; "
        "service id=0.8; plan id=0.7; ean=0.8; gtin=0.8; upc=0.8; "
        "product reference=0.9; product sku",
        "de": "ean nummer=0.9; "
        "artikel=0.85; artikelnummer; artikelnr; artikel id; produkt=0.8; "
        "produktnummer; produkt id; produktcode; warennummer=0.9; "
        "materialnummer=0.9; sachnummer=0.9; teilenummer=0.85",
        "fr": "reference article; code barre=0.7; "
        "produit=0.8; id produit; code produit; reference produit; "
        "reference=0.7; ref=0.6; numero article; code article",
        "es": "referencia de producto; codigo de barras=0.7; "
        "producto=0.8; id producto; codigo de producto; referencia=0.7; "
        "articulo=0.8; codigo de articulo; numero de articulo",
        "nl": "artikel=0.85; artikelnummer; artikelnr; "
        "productnummer; productcode; artikelcode",
        "it": "articolo=0.8; codice articolo; cod art; id articolo; prodotto=0.8; "
        "codice prodotto; id prodotto; riferimento=0.7; codice a barre=0.7",
        "pt": "produto=0.8; codigo do produto; id do produto; artigo=0.8; "
        "codigo do artigo; ref artigo; referencia do produto",
        "erp": "matnr=0.95",
    },
    _C.ORDER: {
        "en": "order reference=0.95; sales document=0.9; so number=0.9; sale id=0.9; "
        "sale number=0.9; receipt id=0.9; basket=0.75; "
        "order id; order number; order=0.8; invoice=0.85; invoice number; "
        "invoice id; transaction id=0.95; transaction=0.7; receipt number=0.85; "
        "receipt=0.7; purchase id=0.9; purchase order=0.8; sales order=0.9; "
        "sales order number; basket id=0.85; cart id=0.8; opportunity id=0.9; "
        "deal id=0.9; document number=0.7; booking id=0.8; order key=0.9",
        "de": "verkaufsbeleg=0.95; "
        "bestellung=0.85; bestellnummer; bestellnr; auftrag=0.8; "
        "auftragsnummer; auftragsnr; rechnung=0.8; rechnungsnummer; "
        "rechnungsnr; belegnummer=0.9; beleg=0.7; transaktion=0.7; "
        "vorgangsnummer=0.8",
        "fr": "reference commande=0.95; numero de piece=0.8; "
        "commande=0.85; numero de commande; id commande; facture=0.8; "
        "numero de facture",
        "es": "pedido=0.85; numero de pedido; id pedido; orden=0.8; "
        "numero de orden; factura=0.8; numero de factura",
        "nl": "bestelling=0.85; bestelnummer; ordernummer; order nummer; "
        "factuur=0.8; factuurnummer",
        "it": "numero ordine; ordine=0.85; id ordine; numero documento=0.8; "
        "n doc=0.8; fattura=0.8; numero fattura; scontrino=0.8",
        "pt": "numero do pedido; pedido=0.85; id do pedido; numero do documento=0.8; "
        "fatura=0.8; numero da fatura; nota fiscal=0.8",
        "erp": "vbeln=0.95",
    },
    _C.ORDERED_AT: {
        "en": "document date=0.9; won time=0.9; won date=0.9; created time=0.85; "
        "created date=0.85; "
        "order date; ordered at; date=0.8; invoice date; purchase date; "
        "transaction date; created at=0.85; created=0.7; create date=0.85; "
        "creation date=0.85; order time=0.95; timestamp=0.8; order timestamp; "
        "purchase timestamp; order purchase timestamp; date time=0.8; "
        "datetime=0.8; paid at=0.75; payment date=0.75; sale date; sales date; "
        "close date=0.85; closed at=0.8; booking date=0.9; time=0.5; day=0.5; "
        "posting date=0.8; order created=0.95",
        "de": "datum=0.8; bestelldatum; auftragsdatum; rechnungsdatum; kaufdatum; "
        "belegdatum=0.9; verkaufsdatum; zeitpunkt=0.6; zeitstempel=0.8; "
        "erstellt am=0.85; buchungsdatum=0.85; lieferdatum=0.6",
        "fr": "date de commande; date d achat; date de facture; date de vente; "
        "date de creation=0.85",
        "es": "fecha=0.8; fecha de pedido; fecha de compra; fecha de factura; "
        "fecha de venta; fecha de creacion=0.85",
        "nl": "besteldatum; orderdatum; factuurdatum; aankoopdatum; verkoopdatum",
        "it": "data=0.8; data ordine; data documento; data fattura; data vendita; "
        "data acquisto; data creazione=0.85",
        "pt": "data=0.8; data do pedido; data da venda; data da compra; "
        "data de emissao=0.9; data do documento",
        "erp": "erdat=0.9; audat=0.95; fkdat=0.9; bldat=0.9",
    },
    _C.QUANTITY: {
        "en": "quantity; qty; quantity ordered; ordered quantity; quantity sold; "
        "units sold; units=0.85; count=0.6; pieces=0.8; pcs=0.8; "
        "number of items=0.85; num items=0.8",
        "de": "menge; anzahl; anz=0.8; stuckzahl; stuck=0.85; stk=0.85; bestellmenge; "
        "liefermenge=0.8; mng=0.8",
        "fr": "quantite; qte; nombre=0.7; unites=0.8; nombre d articles=0.8",
        "es": "cantidad; cant=0.8; unidades=0.85; numero de unidades=0.9",
        "nl": "aantal; hoeveelheid; stuks=0.85; besteld aantal",
        "it": "quantita; qta; pezzi=0.85",
        "pt": "quantidade; qtd; qtde; unidades=0.85",
        "erp": "kwmeng=0.95; fkimg=0.95",
    },
    _C.AMOUNT: {
        "en": "extended amount=0.95; line value=0.95; net value=0.95; "
        "sales value=0.95; "
        "amount=0.9; total=0.85; total amount; total price; line total; "
        "line amount; revenue; sales=0.8; sales amount; sale amount; "
        "net amount=0.95; gross amount=0.9; value=0.5; order value=0.85; "
        "total value=0.9; subtotal=0.8; line subtotal=0.95; "
        "extended price=0.95; item total; spend=0.8; spent=0.7; turnover=0.9; "
        "sum=0.6; payment value=0.7; total spent=0.8; monetary=0.7; "
        "order total=0.85; order total amount=0.85",
        "de": "nettowert=0.95; bruttowert=0.9; zeilenbetrag=0.95; "
        "positionsbetrag=0.95; "
        "betrag; umsatz; gesamtbetrag; gesamtpreis; summe=0.85; "
        "nettobetrag=0.95; bruttobetrag=0.9; wert=0.6; positionswert=0.9; "
        "rechnungsbetrag=0.9; gesamt=0.8",
        "fr": "montant ht=0.95; montant ttc=0.9; total ligne; "
        "montant; montant total; total ttc=0.9; total ht=0.9; "
        "chiffre d affaires; prix total; valeur=0.6; somme=0.8",
        "es": "importe linea; total linea; "
        "importe; importe total; monto; precio total; ventas=0.8; "
        "ingresos=0.9; valor=0.6; suma=0.7",
        "nl": "regelbedrag=0.95; regeltotaal=0.95; "
        "bedrag; totaalbedrag; totaal=0.85; omzet; totaalprijs; waarde=0.6",
        "it": "importo; importo totale; totale=0.85; totale riga; tot riga; "
        "importo riga; valore=0.6; imponibile=0.9; fatturato=0.9",
        "pt": "valor total; total=0.85; total liquido=0.9; valor liquido=0.9; "
        "valor=0.6; valor do item=0.9",
        "erp": "netwr=0.95",
    },
    _C.UNIT_PRICE: {
        "en": "unit amount=0.95; net price=0.8; sold for=0.9; unit net price; "
        "unit price; price=0.85; price each; item price; sales price; "
        "sale price=0.95; selling price=0.95; list price=0.8; unit cost=0.8; "
        "item cost=0.85; cost=0.5; rate=0.5; price per unit; lineitem price",
        "de": "nettopreis=0.9; vk preis=0.95; "
        "preis=0.85; einzelpreis; stuckpreis; einheitspreis; "
        "verkaufspreis=0.95; listenpreis=0.8",
        "fr": "prix unitaire ht; prix unitaire ttc; "
        "prix=0.85; prix unitaire; pu=0.6; prix de vente=0.95",
        "es": "precio=0.85; precio unitario; precio de venta=0.95; pvp=0.8",
        "nl": "prijs=0.85; eenheidsprijs; stukprijs; verkoopprijs=0.95",
        "it": "prezzo unitario; prezzo=0.85; prezzo netto=0.8; prezzo di vendita=0.95",
        "pt": "preco unitario; valor unitario; preco=0.85; preco unit; "
        "preco de venda=0.95",
        "erp": "netpr=0.95",
    },
    _C.OFFERING_NAME: {
        "en": "product name; item name; description=0.8; product description=0.9; "
        "item description=0.9; product title=0.95; title=0.5; name=0.5; "
        "lineitem name; article name; service name=0.9; plan name=0.8; "
        "offering name; product=0.55",
        "de": "artikelname; artikelbezeichnung; bezeichnung=0.85; produktname; "
        "produktbezeichnung; beschreibung=0.75; artikeltext=0.9",
        "fr": "nom du produit; libelle=0.85; designation=0.9; nom article; "
        "libelle produit",
        "es": "nombre del producto; nombre de articulo; descripcion=0.8; "
        "denominacion=0.8",
        "nl": "productnaam; artikelnaam; omschrijving=0.85; beschrijving=0.75; "
        "productomschrijving",
        "it": "descrizione=0.8; descrizione articolo; nome prodotto; nome articolo",
        "pt": "descricao=0.8; descricao do produto; nome do produto; designacao=0.9",
        "erp": "arktx=0.95; maktx=0.95",
    },
    _C.CATEGORY: {
        "en": "category; product category; categories=0.9; product type=0.9; "
        "type=0.4; product family; family=0.7; product group; group=0.6; "
        "department=0.8; product line=0.9; class=0.5",
        "de": "kategorie; warengruppe; produktgruppe; artikelgruppe; "
        "produktkategorie; sparte=0.7; gruppe=0.6; produktfamilie",
        "fr": "categorie; famille=0.8; famille de produits; gamme=0.8; rayon=0.7; "
        "type de produit=0.9",
        "es": "categoria; familia=0.8; tipo de producto=0.9; linea de producto=0.9; "
        "grupo=0.6",
        "nl": "categorie; productgroep; artikelgroep; productcategorie; groep=0.6",
        "it": "categoria; famiglia=0.8; reparto=0.7",
        "pt": "categoria; familia=0.8; grupo=0.6",
    },
    _C.CHANNEL: {
        "en": "channel; sales channel; source=0.6; order source=0.8; medium=0.6; "
        "platform=0.7; store=0.5; marketplace=0.7",
        "de": "kanal; vertriebskanal; verkaufskanal; quelle=0.5",
        "fr": "canal; canal de vente",
        "es": "canal de venta",
        "nl": "kanaal; verkoopkanaal",
        "it": "canale; canale di vendita",
        "pt": "canal; canal de venda",
    },
    _C.COUNTRY: {
        "en": "country region=0.95; "
        "country; country code; billing country; shipping country=0.95; "
        "ship country=0.95; nation=0.7",
        "de": "land; lieferland=0.95; landercode; staat=0.5",
        "fr": "pays; code pays",
        "es": "pais; codigo de pais",
        "nl": "landcode",
        "it": "paese; nazione=0.8; codice paese",
        "pt": "pais; codigo do pais",
    },
    _C.STATUS: {
        "en": "status; order status; financial status=0.95; payment status=0.9; "
        "order state=0.9; stage=0.9; deal stage; line type; "
        "transaction type=0.85; fulfillment status=0.8; returned=0.7; "
        "return=0.6; cancelled=0.6",
        "de": "bestellstatus; auftragsstatus; zahlungsstatus=0.9; zeilentyp=0.9; "
        "positionstyp=0.8; storniert=0.7; stornierung=0.7",
        "fr": "statut; etat=0.8; statut de commande; etat commande",
        "es": "estado=0.9; estado del pedido",
        "nl": "bestelstatus; orderstatus",
        "it": "stato=0.9; stato ordine",
        "pt": "estado=0.9; situacao=0.85",
    },
    _C.SUBMITTED_AT: {
        "en": "date=0.8; submitted at; submitted=0.8; submission date; "
        "response date; review date; review creation date=0.9; "
        "review answer timestamp; created at=0.85; created=0.7; timestamp=0.85; "
        "date submitted; responded at; feedback date; survey date=0.9; "
        "recorded date=0.9; end date=0.6; completed at=0.85; answered at; "
        "time=0.5; datetime=0.8; date time=0.8; submit date",
        "de": "datum=0.8; bewertungsdatum; antwortdatum; eingangsdatum=0.9; "
        "erstellt am=0.85; zeitstempel=0.85",
        "fr": "date de l avis; date de reponse; date de soumission",
        "es": "fecha=0.8; fecha de respuesta; fecha de valoracion; fecha de la resena",
        "nl": "datum beoordeling; reactiedatum; beoordelingsdatum",
        "it": "data=0.8; data recensione; data valutazione",
        "pt": "data=0.8; data da avaliacao; data da resposta",
    },
    _C.RATING: {
        "en": "rating; score=0.85; review score; stars=0.95; star rating; nps; "
        "nps score; likelihood to recommend; recommend=0.7; satisfaction=0.85; "
        "csat; grade=0.7; rate=0.6; overall rating; thumbs=0.8; review rating",
        "de": "bewertung; sterne=0.95; punkte=0.6; punktzahl=0.8; "
        "zufriedenheit=0.85; sternebewertung; note=0.5",
        # "Note" is a grade in French and German but a remark in English: the
        # values decide (see ml.mapping.values).
        "fr": "note=0.5; evaluation=0.8; etoiles=0.95",
        "es": "valoracion; puntuacion; calificacion; estrellas=0.95; nota=0.7; "
        "satisfaccion=0.85",
        "nl": "beoordeling; waardering; sterren=0.95; cijfer=0.8; tevredenheid=0.85",
        "it": "valutazione; voto=0.9; stelle=0.95; punteggio",
        "pt": "nota=0.8; avaliacao=0.85; estrelas=0.95; classificacao=0.9; pontuacao",
    },
    _C.COMMENT: {
        "en": "comment; comments; review=0.8; review text; review comment=0.95; "
        "review comment message; review body; message=0.7; feedback=0.85; "
        "text=0.6; remarks=0.9; note=0.6; notes=0.6; verbatim=0.9; reason=0.6; "
        "answer=0.5; response=0.5; body=0.5; content=0.5; opinion=0.7; "
        "free text=0.8",
        "de": "kommentar; kommentare; bemerkung=0.9; anmerkung=0.9; rezension=0.9; "
        "freitext=0.85; nachricht=0.7; begrundung=0.6; meinung=0.7",
        "fr": "commentaire; commentaires; avis=0.85; remarque=0.9; texte=0.6",
        "es": "comentario; comentarios; opinion=0.8; resena=0.9; observaciones=0.9; "
        "mensaje=0.7; texto=0.6",
        "nl": "opmerking; opmerkingen; commentaar; reactie=0.8; toelichting=0.8; "
        "recensie=0.9; bericht=0.6",
        "it": "commento; commenti; recensione=0.9; testo=0.6; opinione=0.8; "
        "messaggio=0.7",
        "pt": "comentario; comentarios; opiniao=0.8; mensagem=0.7; texto=0.6; "
        "resenha=0.9",
    },
    _C.TITLE: {
        "en": "title=0.9; review title; review comment title; subject=0.8; "
        "headline=0.9; summary=0.7",
        "de": "titel=0.9; betreff=0.85; uberschrift=0.9",
        "fr": "titre=0.9; objet=0.8",
        "es": "titulo=0.9; asunto=0.8",
        "nl": "onderwerp=0.8",
        "it": "titolo=0.9; oggetto=0.8",
        "pt": "titulo=0.9; assunto=0.8",
    },
    _C.FEEDBACK_KIND: {
        "en": "feedback type; review type; survey type=0.9; ticket type=0.9; "
        "type=0.6; kind=0.7",
        "de": "feedbackart; feedback typ; art=0.5; typ=0.6",
        "fr": "type d avis",
        "es": "tipo=0.6; tipo de comentario=0.9",
        "nl": "soort=0.6",
        "it": "tipo=0.6",
        "pt": "tipo=0.6",
    },
    _C.NAME: {
        "en": "name=0.9; product name; item name; title=0.8; description=0.7; "
        "product title; offering name; service name; plan name=0.9",
        "de": "bezeichnung=0.9; artikelname; produktname; artikelbezeichnung",
        "fr": "nom=0.9; libelle=0.9; designation=0.9; nom du produit",
        "es": "nombre=0.9; descripcion=0.7; nombre del producto",
        "nl": "naam=0.9; productnaam; omschrijving=0.85",
        "it": "nome=0.9; descrizione=0.7",
        "pt": "nome=0.9; descricao=0.7; designacao=0.9",
    },
    _C.PRICE: {
        "en": "price; unit price; list price; retail price; sales price; "
        "selling price; msrp=0.9; cost=0.5",
        "de": "preis; einzelpreis; listenpreis; verkaufspreis",
        "fr": "prix; prix unitaire; prix de vente",
        "es": "precio; precio unitario; precio de venta; pvp=0.9",
        "nl": "prijs; verkoopprijs; eenheidsprijs",
        "it": "prezzo; prezzo di listino; prezzo unitario",
        "pt": "preco; preco unitario; preco de venda",
    },
    _C.ACTIVE: {
        "en": "active; is active; enabled=0.9; available=0.8; published=0.8; "
        "visible=0.6; in stock=0.6; status=0.5",
        "de": "aktiv; verfugbar=0.8; lieferbar=0.7",
        "fr": "actif; disponible=0.8",
        "es": "activo",
        "nl": "actief; beschikbaar=0.8",
        "it": "attivo",
        "pt": "ativo",
    },
    _C.LAUNCHED_AT: {
        "en": "launch date; launched at; launched=0.9; release date; released=0.8; "
        "available from=0.9; created at=0.7; date added=0.9; introduction date; "
        "published at=0.8; start date=0.6; created=0.6; date=0.5",
        "de": "einfuhrungsdatum; erscheinungsdatum; markteinfuhrung; "
        "angelegt am=0.7; datum=0.5",
        "fr": "date de lancement; date de sortie; date de creation=0.7",
        "es": "fecha de lanzamiento; fecha de alta=0.8",
        "nl": "lanceerdatum; introductiedatum; releasedatum",
        "it": "data di lancio",
        "pt": "data de lancamento",
    },
    _C.MARGIN: {
        "en": "margin; gross margin; profit=0.8; margin percent; markup=0.7; "
        "contribution margin",
        "de": "marge; deckungsbeitrag; rohertrag=0.9; gewinn=0.7; spanne=0.8",
        "fr": "marge brute; benefice=0.7",
        "es": "margen; margen bruto; beneficio=0.7",
        "nl": "brutomarge; winst=0.7",
        "it": "margine",
        "pt": "margem",
    },
    _C.SEGMENT: {
        "en": "segment; customer segment; tier=0.8; customer type=0.85; "
        "customer group=0.9; group=0.6; cluster=0.7; persona=0.7; "
        "loyalty tier=0.9; membership level=0.8",
        "de": "kundensegment; kundengruppe; kundentyp=0.9; kundenklasse=0.9",
        "fr": "segment client; type de client=0.9; groupe client=0.9",
        "es": "segmento; tipo de cliente=0.9; grupo de clientes=0.9",
        "nl": "klantsegment; klantgroep; klanttype=0.9",
        "it": "segmento; tipo cliente=0.9",
        "pt": "segmento; tipo de cliente=0.9",
    },
    _C.REGION: {
        "en": "state region; state province; "
        "region; state=0.8; province=0.9; city=0.7; area=0.7; "
        "territory=0.85; county=0.7; zip=0.5; zip code=0.5; postal code=0.5; "
        "postcode=0.5; location=0.6; market=0.6",
        "de": "bundesland; stadt=0.7; ort=0.7; plz=0.5; postleitzahl=0.5; "
        "gebiet=0.8; bezirk=0.8; kanton=0.9",
        "fr": "ville=0.7; departement=0.9; code postal=0.5",
        "es": "provincia=0.9; ciudad=0.7; comunidad autonoma",
        "nl": "regio; provincie=0.9; stad=0.7; plaats=0.7",
        "it": "regione; provincia=0.9; citta=0.7",
        "pt": "regiao; distrito=0.8; cidade=0.7",
    },
    _C.OPTED_OUT: {
        "en": "opted out; opt out; unsubscribed; unsubscribe=0.9; do not contact; "
        "do not email; no marketing=0.9; email opt out; marketing opt out; "
        "blacklisted=0.8; suppressed=0.8",
        "de": "abgemeldet; werbewiderspruch; kein newsletter=0.9; keine werbung; "
        "widerspruch=0.8; abbestellt",
        "fr": "desabonne; desinscrit; opposition=0.8; ne pas contacter",
        "es": "dado de baja; baja=0.7; no contactar",
        "nl": "afgemeld; uitgeschreven; niet benaderen",
        "it": "disiscritto; non contattare",
        "pt": "descadastrado; nao contatar",
    },
    _C.CONTACTED_AT: {
        "en": "contacted at; contact date; contacted on; date contacted; "
        "sent at; sent on; send date; date sent; sent date; mailing date; "
        "mail date; email sent; email date; delivered at=0.8; touchpoint date; "
        "contact time; activity date=0.8; campaign date=0.85; push date; "
        "exposure date=0.9",
        "de": "kontaktdatum; kontaktiert am; versanddatum; versendet am; "
        "gesendet am; aussendung=0.85; mailingdatum",
        "fr": "date de contact; contacte le; date d envoi; envoye le; date de l envoi",
        "es": "fecha de contacto; fecha de envio; enviado el; contactado el",
        "nl": "contactdatum; verzenddatum; verzonden op",
        "it": "data contatto; data invio; inviato il",
        "pt": "data de contato; data de envio; enviado em",
    },
    _C.CAMPAIGN: {
        "en": "campaign; campaign name; campaign id; campaign code; mailing=0.85; "
        "mailing name; promotion=0.8; promotion name; journey=0.8; "
        "flow name=0.8; offer name=0.7",
        "de": "kampagne; kampagnenname; aktion=0.8; aussendungsname",
        "fr": "campagne; nom de campagne; operation=0.7",
        "es": "campana; nombre de campana; promocion=0.8",
        "nl": "campagne; campagnenaam; actie=0.7",
        "it": "campagna; nome campagna",
        "pt": "campanha; nome da campanha",
    },
    _C.CONTROL: {
        "en": "control group; control; in control group; is control; holdout; "
        "hold out; holdout group; control flag; test or control=0.9; "
        "treatment group=0.9",
        "de": "kontrollgruppe; kontrolle; testgruppe=0.8",
        "fr": "groupe temoin; temoin; groupe de controle",
        "es": "grupo de control; grupo control",
        "nl": "controlegroep",
        "it": "gruppo di controllo; controllo",
        "pt": "grupo de controle; controle",
    },
}

# "erp": technical field names of SAP tables (KUNNR, MATNR, VBELN), exported as
# headers by data extracts.
LANGUAGES = ("en", "de", "fr", "es", "nl", "it", "pt", "erp")

# Words (or word stems) that give away what a survey question asks, wherever
# they stand in it: "How likely are you to recommend us to a friend?" is the
# NPS rating, "What is the main reason for your score?" a comment.
_QUESTIONS: dict[str, str] = {
    _C.RATING: "recommend; empfehl; recommand; recomend; aanbevel; rate=0.8; "
    "rating; satisfied=0.8; zufrieden=0.8; satisfait=0.8; satisfecho=0.8; "
    "tevreden=0.8; score=0.7",
    _C.COMMENT: "reason=0.8; why=0.8; comment; comments; feedback=0.9; improve=0.8; "
    "anything=0.7; tell=0.6; warum=0.8; grund=0.8; kommentar; pourquoi=0.8; "
    "commentaire; comentario; waarom=0.8; opmerking",
}


def _parse(text: str) -> list[tuple[str, float]]:
    entries = []
    for item in text.split(";"):
        if not item.strip():
            continue  # a language without words for this column
        phrase, _, strength = item.strip().partition("=")
        entries.append((phrase.strip(), float(strength) if strength else 1.0))
    return entries


def question_words(canonical: str) -> tuple[tuple[str, float], ...]:
    """Return (word stem, strength) pairs that mark a survey question's column."""
    return (
        tuple(_parse(_QUESTIONS.get(canonical, ""))) if canonical in _QUESTIONS else ()
    )


def synonyms(
    canonical: str, language: str | None = None
) -> tuple[tuple[str, float], ...]:
    """Return (phrase, strength) pairs of a canonical column (all languages or one)."""
    by_language = _RAW.get(canonical, {})
    languages = (language,) if language else LANGUAGES
    return tuple(
        entry for lang in languages for entry in _parse(by_language.get(lang, ""))
    )
